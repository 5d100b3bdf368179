"""GENESIS notes as Millennium serves them, read by the gateway's own client: XHTML Binaries at
absolute URLs become plain text, a PDF (`XR-`) streams as its bytes under the cap, nothing is
fetched from another host; and every DocumentReference and Binary served is valid R4 (fhir.resources).

The generic profile is covered end to end in tests/read/test_notes.py; the list searches against the
Millennium profile come with the adapter that speaks it, so these read the notes by one documented
search (`patient` alone) and hand them to the same mapping and content code the adapter uses.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from fhir.resources.R4B.binary import Binary
from fhir.resources.R4B.documentreference import DocumentReference

from sandbox.data import generate
from sandbox.data.documents import HOSTILE_MARKERS, pdf_document
from sandbox.data.texts import ALLERGY_CONSULT, PT_EVALUATION
from sandbox.fhir import FhirServer
from sandbox.millennium import MillenniumProfile, millennium_resources
from sources.errors import DocumentTooLarge
from sources.fhir import mapping
from sources.fhir.bundle import Bundle
from sources.fhir.client import FhirClient
from sources.fhir.contents import open_document, texts
from sources.fhir.mapping import MapContext
from sources.genesis import GENESIS
from sources.records import NoteRecord

from ..fhir.support import Recorder, config_for, running

SCOPES = "system/Patient.read system/DocumentReference.read system/Binary.read system/Practitioner.read"
KIND = "clinical_note"


@pytest.fixture(scope="module")
def genesis_data() -> list[dict[str, Any]]:
    return generate(today=dt.date(2026, 12, 3)).genesis


@pytest_asyncio.fixture
async def millennium(genesis_data: list[dict[str, Any]]) -> AsyncIterator[tuple[FhirServer, list[dict[str, Any]]]]:
    served = millennium_resources(genesis_data)
    async with running(served, profile=MillenniumProfile()) as server:
        yield server, served


async def _p1_notes(client: FhirClient, server: FhirServer, served: list[dict[str, Any]]) -> list[NoteRecord]:
    (p1,) = [r["id"] for r in served if r["resourceType"] == "Patient"
             and any(i.get("value") == "1000000001" for i in r.get("identifier", []))]  # fmt: skip
    bundle = await client.search(KIND, "DocumentReference", [("patient", p1), ("_count", "100")])
    bundle = await client.rest_of(KIND, bundle)
    ctx = MapContext(GENESIS, dt.datetime.now(dt.UTC), bundle, base_url=server.base_url)
    notes = [n for r in bundle.matches("DocumentReference") if (n := mapping.note(r, ctx))]
    unread = [n for n in notes if not n.text and n.content is not None and not n.content.is_document]
    words = dict(zip([n.content.url for n in unread if n.content],
                     await texts(client, KIND, [n.content for n in unread if n.content]), strict=True))  # fmt: skip
    return [dataclasses.replace(n, text=str(words[n.content.url])) if n in unread and n.content else n
            for n in notes]  # fmt: skip


async def test_xhtml_binaries_become_plain_text_and_a_pdf_streams_as_its_bytes(
    http: aiohttp.ClientSession, millennium: tuple[FhirServer, list[dict[str, Any]]]
) -> None:
    server, served = millennium
    client = FhirClient(GENESIS, config_for(server, scope=SCOPES), http, Recorder())
    notes = await _p1_notes(client, server, served)
    by_title = {n.title: n for n in notes}
    assert by_title[ALLERGY_CONSULT[0]].text == ALLERGY_CONSULT[1] + "\nPatient education: see the handout."
    assert by_title["Diabetes follow-up"].text.startswith("Subjective: Reports good adherence")
    assert all(not [m for m in HOSTILE_MARKERS if m in n.text] for n in notes)
    pdf = by_title[PT_EVALUATION[0]]
    assert pdf.text == "" and pdf.content is not None and pdf.content.is_document
    assert pdf.content.url.startswith(f"{server.base_url}/Binary/XR-") and pdf.content.size is None
    async with http.get(f"{server.admin_url}/requests") as resp:
        paths = [r["path"] for r in (await resp.json())["requests"]]
    texts = [n for n in notes if n.content is not None and not n.content.is_document]
    assert len([p for p in paths if "/Binary/" in p]) == len(texts) > 0  # each text Binary once, no PDF
    (expected,) = [base64.b64decode(r["data"]) for r in served if r["id"] == pdf.content.url.rsplit("/", 1)[1]]
    async with open_document(client, KIND, pdf.content, cap=1_000_000) as download:
        got = b"".join([chunk async for chunk in download.chunks])
    assert (download.content_type, download.size, got) == ("application/pdf", len(expected), expected)
    with pytest.raises(DocumentTooLarge):
        async with open_document(client, KIND, pdf.content, cap=len(expected) - 1):
            pass


BASE = "https://fhir.example.mil/r4/tenant"
URLS = [
    (f"{BASE}/Binary/XR-1", True),
    ("Binary/XR-1", True),
    ("http://fhir.example.mil/r4/tenant/Binary/1", False),  # another scheme
    ("https://fhir.example.mil/r4/tenantX/Binary/1", False),  # another base path
    (f"{BASE}/../other/Binary/1", False),
    ("//evil.example/Binary/1", False),
    ("https://evil.example/Binary/XR-9", False),
]


def test_content_on_another_host_is_never_followed() -> None:
    attachments = [{"contentType": "application/pdf", "url": "https://evil.example/Binary/XR-9"},
                   {"contentType": "text/html", "url": "https://evil.example/Binary/TR-9"}]  # fmt: skip
    doc = {"resourceType": "DocumentReference", "id": "9", "status": "current", "date": "2026-01-02T10:00:00Z",
           "subject": {"reference": "Patient/1"}, "content": [{"attachment": a} for a in attachments]}  # fmt: skip
    note = mapping.note(doc, MapContext(GENESIS, dt.datetime.now(dt.UTC), Bundle({}), base_url=BASE))
    assert note is not None and note.content is None and note.text == ""
    for url, kept in URLS:
        assert (mapping.on_server(url, BASE) is not None) is kept, url


async def test_every_note_and_binary_served_is_valid_r4(
    http: aiohttp.ClientSession, genesis_data: list[dict[str, Any]]
) -> None:
    generic = generate(today=dt.date(2026, 12, 3))
    for resources, profile in ((millennium_resources(genesis_data), MillenniumProfile()),
                               (generic.genesis, None), (generic.community, None)):  # fmt: skip
        async with running(resources, profile=profile) as server:
            client = FhirClient(GENESIS, config_for(server, scope=SCOPES), http, Recorder())
            docs = [r for r in resources if r["resourceType"] == "DocumentReference"]
            kinds = {a.get("contentType") for d in docs for a in mapping.attachments(d)}
            assert {"application/pdf", "application/xhtml+xml"} <= kinds
            odd = [d for d in docs if {a.get("contentType") for a in mapping.attachments(d)} - {"text/plain"}]
            for doc in [*docs[:30], *odd]:
                served = await client.read(KIND, "DocumentReference", doc["id"])
                DocumentReference.model_validate(served)
                for attachment in mapping.attachments(served):
                    if attachment.get("url"):
                        url = mapping.on_server(attachment["url"], server.base_url)
                        assert url is not None, attachment["url"]
                        Binary.model_validate(await client.read_url(KIND, url, "Binary"))


async def test_an_inline_pdf_is_served_from_the_note_itself(http: aiohttp.ClientSession) -> None:
    pdf = pdf_document("Inline", "A PDF carried in the DocumentReference.")
    doc = {"resourceType": "DocumentReference", "id": "inline-pdf", "status": "current",
           "date": "2026-01-02T10:00:00Z", "subject": {"reference": "Patient/1"},
           "content": [{"attachment": {"contentType": "application/pdf",
                                       "data": base64.b64encode(pdf).decode()}}]}  # fmt: skip
    async with running([doc]) as server:
        client = FhirClient(GENESIS, config_for(server), http, Recorder())
        note = mapping.note(doc, MapContext(GENESIS, dt.datetime.now(dt.UTC), Bundle({}), base_url=server.base_url))
        assert note is not None and note.content is not None and note.content.inline
        assert note.content.size == len(pdf) and note.text == ""
        async with open_document(client, KIND, note.content, cap=len(pdf)) as download:
            assert b"".join([c async for c in download.chunks]) == pdf
        with pytest.raises(DocumentTooLarge):
            async with open_document(client, KIND, note.content, cap=len(pdf) - 1):
                pass
