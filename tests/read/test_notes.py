"""Clinical notes as they come, end to end through the gateway: XHTML as safe text, PDFs downloaded.

The demo's sandboxes serve P1's GENESIS notes and P2's community notes as text, as XHTML wrapped in
hostile markup, and as PDF Binaries (sandbox/data/personas.py); the gateway must hand clients only
the words, and each PDF only through `/documents/{id}` under the note's own access rule and audit.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import asyncpg
import pypdf
import pytest_asyncio

from gateway.app import create_app
from gateway.config import Config
from resolvers.ids import encode_id
from sandbox.data.documents import HOSTILE_MARKERS
from sandbox.data.texts import ALLERGY_CONSULT, PT_EVALUATION
from tests.read.conftest import Ask
from tests.support.servers import serve

NOTES = """{ me { clinicalNotes(first: 50) { edges { node {
    id title text provenance { source sourceId } attachment { contentType size url } } } } } }"""


async def _notes(ask: Ask, persona: str) -> list[dict[str, Any]]:
    status, body = await ask(persona, NOTES)
    assert status == 200 and "errors" not in body, body
    return [e["node"] for e in body["data"]["me"]["clinicalNotes"]["edges"]]


def _stored(server: Any, note: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """The note's attachment as its sandbox holds it (either profile), and its Binary's bytes."""
    doc = server.store.get("DocumentReference", note["provenance"]["sourceId"])
    attachment = doc["content"][0]["attachment"]
    binary = server.store.get("Binary", attachment["url"].rsplit("/", 1)[-1])
    return attachment, base64.b64decode(binary["data"])


async def _download(stack: Any, url: str, token: str | None, base: str | None = None) -> tuple[int, Any, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as http, http.get((base or stack.base_url) + url, headers=headers) as resp:
        return resp.status, resp.headers, await resp.read()


def _token(stack: Any, persona: str) -> str:
    return str(stack.info()["tokens"][persona])


async def test_xhtml_notes_become_plain_text_without_any_of_the_markup(ask: Ask) -> None:
    for persona, source in (("P1", "GENESIS"), ("P2", "COMMUNITY")):
        notes = await _notes(ask, persona)
        (consult,) = [n for n in notes if n["title"] == ALLERGY_CONSULT[0] and n["provenance"]["source"] == source]
        assert consult["text"] == ALLERGY_CONSULT[1] + "\nPatient education: see the handout."
        assert consult["attachment"] is None
        for note in notes:
            assert not [m for m in HOSTILE_MARKERS if m in note["text"]], (persona, note["title"])


async def test_a_pdf_note_is_an_attachment_the_gateway_streams_byte_for_byte(ask: Ask, demo_stack: Any) -> None:
    status, body = await ask("P1", NOTES)
    assert demo_stack.genesis.base_url not in json.dumps(body)  # no upstream address ever reaches a client
    notes = [e["node"] for e in body["data"]["me"]["clinicalNotes"]["edges"]]
    (pdf,) = [n for n in notes if n["title"] == PT_EVALUATION[0]]
    stored, expected = _stored(demo_stack.genesis, pdf)
    assert pdf["text"] == "" and expected.startswith(b"%PDF")
    assert pdf["attachment"] == {"contentType": "application/pdf", "size": stored.get("size"),  # none in Millennium
                                 "url": f"/documents/{pdf['id']}"}  # fmt: skip
    status, headers, data = await _download(demo_stack, pdf["attachment"]["url"], _token(demo_stack, "P1"))
    assert status == 200 and data == expected
    assert headers["Content-Type"] == "application/pdf" and headers["Content-Length"] == str(len(expected))
    assert headers["Content-Disposition"].startswith("attachment")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "private, no-store"
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "core stabilization program" in text


async def test_a_community_pdf_found_by_match_downloads_for_its_owner(ask: Ask, demo_stack: Any) -> None:
    (pdf,) = [n for n in await _notes(ask, "P2") if n["attachment"]]
    assert pdf["provenance"]["source"] == "COMMUNITY"
    status, _, data = await _download(demo_stack, pdf["attachment"]["url"], _token(demo_stack, "P2"))
    stored, expected = _stored(demo_stack.community, pdf)
    assert status == 200 and data == expected and pdf["attachment"]["size"] == stored["size"] == len(expected)


async def test_another_patients_document_answers_exactly_like_one_that_does_not_exist(
    ask: Ask, demo_stack: Any
) -> None:
    (pdf,) = [n for n in await _notes(ask, "P1") if n["attachment"]]
    url = pdf["attachment"]["url"]
    unknown = "/documents/" + encode_id("ClinicalNote", "GENESIS", "doc-nobody")
    answers = [await _download(demo_stack, u, _token(demo_stack, "P2")) for u in (url, unknown, "/documents/x!")]
    assert {(status, data) for status, _, data in answers} == {(404, answers[0][2])}
    assert json.loads(answers[0][2])["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    status, _, _ = await _download(demo_stack, url, _token(demo_stack, "A1"))
    assert status == 403  # analysts never download documents
    status, headers, _ = await _download(demo_stack, url, None)
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    status, _, data = await _download(demo_stack, url, _token(demo_stack, "C1"))  # P1's care team's clinician
    assert status == 200 and data.startswith(b"%PDF")
    refused = await _rows(demo_stack, "actor = $1 AND patient = $2 AND outcome = 'denied'",
                          _subject(demo_stack, "P2"), "1000000001")  # fmt: skip
    assert refused and refused[0]["operation_name"] == "GET /documents/"


async def test_the_download_is_audited_before_its_first_byte(ask: Ask, demo_stack: Any) -> None:
    (pdf,) = [n for n in await _notes(ask, "P1") if n["attachment"]]
    headers = {"Authorization": f"Bearer {_token(demo_stack, 'P1')}"}
    async with aiohttp.ClientSession() as http, http.get(demo_stack.base_url + pdf["attachment"]["url"],
                                                         headers=headers) as resp:  # fmt: skip
        assert resp.status == 200
        rows = await _rows(demo_stack, "request_id = $1", resp.headers["X-Request-Id"], wait=False)
        body = await resp.read()  # read only after the row was seen
    assert body.startswith(b"%PDF")
    assert [(r["action"], r["outcome"], r["patient"]) for r in rows] == [("read", "allowed", "1000000001")]
    assert "clinical_note" in rows[0]["record_kinds"] and "GENESIS" in rows[0]["sources"]


@pytest_asyncio.fixture(loop_scope="session")
async def capped(demo_stack: Any) -> AsyncIterator[str]:
    """A second gateway over the demo's sources that serves documents of at most 500 bytes."""
    config = Config.from_env({**demo_stack.environment, "MHS_GATEWAY_DOCUMENT_MAX_BYTES": "500"})
    async with serve(create_app(config)) as url:
        yield url


async def test_a_document_over_the_cap_is_refused_before_any_byte(ask: Ask, demo_stack: Any, capped: str) -> None:
    (pdf,) = [n for n in await _notes(ask, "P1") if n["attachment"]]
    status, headers, data = await _download(demo_stack, pdf["attachment"]["url"], _token(demo_stack, "P1"), capped)
    assert status == 413 and b"%PDF" not in data
    error = json.loads(data)["errors"][0]
    assert error["extensions"]["code"] == "DOCUMENT_TOO_LARGE" and "500 bytes" in error["message"]
    assert headers["Cache-Control"] == "private, no-store"


def _subject(stack: Any, persona: str) -> str:
    return str(stack.data.personas[persona].subject)


async def _rows(stack: Any, where: str, *args: Any, wait: bool = True) -> list[Any]:
    conn = await asyncpg.connect(stack.info()["gateway_dsn"])
    try:
        for _ in range(50 if wait else 1):
            rows = await conn.fetch(
                "SELECT action, outcome, patient, record_kinds, sources, operation_name FROM audit.events"
                f" WHERE {where} ORDER BY id DESC",
                *args,
            )
            if rows:
                break
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    return list(rows)


async def _binary_paths(stack: Any, run: Any) -> list[str]:
    admin = stack.info()["admin"]["genesis"]
    async with aiohttp.ClientSession() as http:
        async with http.delete(f"{admin}/requests") as resp:
            assert resp.status < 300
        await run()
        async with http.get(f"{admin}/requests") as resp:
            return [r["path"] for r in (await resp.json())["requests"] if "/Binary/" in r["path"]]


async def test_binaries_are_read_only_for_the_text_a_query_asks_for(ask: Ask, demo_stack: Any) -> None:
    async def titles() -> None:
        await ask("P1", "{ me { clinicalNotes(first: 50) { edges { node { title attachment { url } } } } } }")

    async def texts() -> None:
        await ask("P1", "{ me { clinicalNotes(first: 50) { edges { node { title text } } } } }")

    pid = demo_stack.data.personas["P1"].genesis_patient_id
    held = [d["content"][0]["attachment"] for d in demo_stack.genesis.store.all("DocumentReference")
            if d["subject"]["reference"] == f"Patient/{pid}" and d["status"] != "entered-in-error"]  # fmt: skip
    in_binaries = [a["url"].rsplit("/", 1)[-1] for a in held if a.get("url")]
    pdfs = [a["url"].rsplit("/", 1)[-1] for a in held if a.get("contentType") == "application/pdf"]
    assert await _binary_paths(demo_stack, titles) == []
    read = [p.rsplit("/", 1)[-1] for p in await _binary_paths(demo_stack, texts)]
    assert sorted(read) == sorted(set(in_binaries) - set(pdfs)) and pdfs  # each text Binary once; the PDF never
