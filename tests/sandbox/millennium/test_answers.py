"""What the Millennium profile answers: page sizes and paging, sort orders, messages, documented
medications, questionnaire answers, document content, and a CapabilityStatement that says so."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp

from sandbox.fhir import FhirServer

from ..conftest import Fhir
from .conftest import DOD, Key, client, first, ids_of, next_url

INBOX = [
    ("category", "http://terminology.hl7.org/CodeSystem/communication-category|notification"),
    ("received", "ge2020-01-01T00:00:00Z"),
    ("-email-status", "http://hl7.org/fhir/task-status|completed"),
]


def patients(data: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in data if r["resourceType"] == "Patient"]


def effective(resource: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(resource["effectiveDateTime"]).astimezone(dt.UTC)


async def test_paging_follows_link_next_to_every_lab_newest_first(
    reader: Fhir, persona_data: list[dict[str, Any]]
) -> None:
    p3 = patients(persona_data)[2]
    labs = {
        r["id"]
        for r in persona_data
        if r["resourceType"] == "Observation" and r["subject"]["reference"] == f"Patient/{p3}"
    }
    status, page, _ = await reader.get("Observation", [("patient", p3), ("_count", "40")])
    seen: list[dict[str, Any]] = []
    pages = 0
    while True:
        assert status == 200
        seen += [e["resource"] for e in page["entry"]]
        pages += 1
        url = next_url(page)
        if url is None:
            break
        query = parse_qs(urlsplit(url).query)
        assert query["-pageDirection"] == ["NEXT"] and query["-pageContext"] and query["patient"] == [p3]
        status, page, _ = await reader.get(url)
        assert any(link["relation"] == "previous" for link in page["link"])
    assert pages == -(-len(labs) // 40) and [r["id"] for r in seen] and len(seen) == len(labs)
    assert {r["id"] for r in seen} == labs
    times = [effective(r) for r in seen]
    assert times == sorted(times, reverse=True)


async def test_page_sizes_default_and_cap_as_documented(
    reader: Fhir, server: FhirServer, fhir: Fhir, persona_data: list[dict[str, Any]]
) -> None:
    p3 = patients(persona_data)[2]
    sizes = {}
    for count in (None, "500"):
        params = [("patient", p3)] + ([("_count", count)] if count else [])
        sizes[count] = len((await reader.get("Observation", params))[1]["entry"])
    assert sizes == {None: 50, "500": 160}  # default 50; at most 200 (P3 has 160)
    window = [("start", "ge2026-12-01T00:00:00Z"), ("start", "lt2027-01-15T00:00:00Z")]
    slots = [("service-type", "https://fhir.cerner.com/5b1c6e2a-9d47-4f8e-a3b0-7c2d1e6f4a90/codeSet/14249|2572307911")]
    assert len((await reader.get("Slot", slots + window))[1]["entry"]) == 50
    assert len((await reader.get("Slot", [*slots, *window, ("_count", "1")]))[1]["entry"]) == 5  # range [5, 200]
    note = first(persona_data, "DocumentReference")
    for n in range(12):
        server.store.put({**note, "id": f"99{n}"})
    p1 = note["subject"]["reference"].split("/")[1]
    assert len((await fhir.get("DocumentReference", [("patient", p1)]))[1]["entry"]) == 10


async def test_patient_by_one_identifier(reader: Fhir, persona_data: list[dict[str, Any]]) -> None:
    status, body, _ = await reader.get("Patient", [("identifier", f"{DOD}|1000000001")])
    assert (status, ids_of(body)) == (200, [patients(persona_data)[0]])
    status, patient, headers = await reader.get(f"Patient/{ids_of(body)[0]}")
    assert status == 200 and patient["identifier"][0]["value"] == "1000000001"
    assert headers["ETag"] == 'W/"1"' and headers["Last-Modified"].endswith("GMT")


async def test_a_provider_inbox_and_a_new_message(fhir: Fhir, persona_data: list[dict[str, Any]]) -> None:
    to = {rc["reference"] for r in persona_data if r["resourceType"] == "Communication" for rc in r["recipient"]}
    doctor = sorted(t for t in to if t.startswith("Practitioner/"))[0].split("/")[1]
    status, body, _ = await fhir.get("Communication", [*INBOX, ("recipient:Practitioner", doctor)])
    assert status == 200
    expected = [
        r["id"]
        for r in persona_data
        if r["resourceType"] == "Communication"
        and {"reference": f"Practitioner/{doctor}"} in [{"reference": x["reference"]} for x in r["recipient"]]
    ]
    assert sorted(ids_of(body)) == sorted(expected)
    text = "<!DOCTYPE html><html><body><p>Please call the patient.</p></body></html>"
    new = {
        "resourceType": "Communication",
        "status": "completed",
        "category": [{"coding": [{"system": INBOX[0][1].split("|")[0], "code": "notification"}]}],
        "subject": {"reference": f"Patient/{patients(persona_data)[0]}"},
        "recipient": [{"reference": f"Practitioner/{doctor}"}],
        "sender": {"reference": f"Practitioner/{doctor}"},
        "payload": [
            {
                "contentAttachment": {
                    "contentType": "application/xhtml+xml",
                    "data": base64.b64encode(text.encode()).decode(),
                }
            }
        ],
    }
    status, body, headers = await fhir.call("POST", "Communication", json_body=new)
    assert (status, headers["ETag"]) == (201, 'W/"0"')
    cid = headers["Location"].rsplit("/", 1)[1]
    assert cid.endswith(".0.-4.prsnl")
    stored = (await fhir.get(f"Communication/{cid}"))[1]
    assert stored["payload"] == [{"contentReference": {"reference": f"Binary/{cid}"}}]
    binary = (await fhir.get(f"Binary/{cid}"))[1]
    assert "Please call the patient." in base64.b64decode(binary["data"]).decode()
    ops = [
        {
            "op": "replace",
            "path": "/extension",
            "value": [
                {
                    "url": "https://fhir-ehr.cerner.com/r4/StructureDefinition/email-status",
                    "valueCodeableConcept": {
                        "coding": [{"system": "http://hl7.org/fhir/task-status", "code": "completed"}]
                    },
                }
            ],
        }
    ]
    status, _, headers = await fhir.call(
        "PATCH",
        f"Communication/{cid}",
        data=json.dumps(ops).encode(),
        headers={"Content-Type": "application/json-patch+json", "If-Match": 'W/"0"'},
    )
    assert (status, headers["ETag"]) == (200, 'W/"1"')
    status, body, _ = await fhir.get("Communication", [*INBOX, ("recipient:Practitioner", doctor)])
    assert cid in ids_of(body)


async def test_only_patient_reported_medications_are_created(fhir: Fhir, persona_data: list[dict[str, Any]]) -> None:
    reported = {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "reportedBoolean": True,
        "medicationCodeableConcept": {"text": "Ibuprofen 200 MG Oral Tablet"},
        "subject": {"reference": f"Patient/{patients(persona_data)[0]}"},
        "identifier": [{"value": "ignored"}],
    }
    status, _, headers = await fhir.call("POST", "MedicationRequest", json_body=reported)
    assert (status, headers["ETag"]) == (201, 'W/"0"')
    mid = headers["Location"].rsplit("/", 1)[1]
    stored = (await fhir.get(f"MedicationRequest/{mid}"))[1]
    assert stored["reportedBoolean"] is True and "identifier" not in stored
    stop = json.dumps([{"op": "replace", "path": "/status", "value": "stopped"}]).encode()
    headers = {"Content-Type": "application/json-patch+json", "If-Match": 'W/"0"'}
    assert (await fhir.call("PATCH", f"MedicationRequest/{mid}", data=stop, headers=headers))[0] == 200
    prescribed = first(persona_data, "MedicationRequest")
    headers["If-Match"] = 'W/"1"'
    assert (await fhir.call("PATCH", f"MedicationRequest/{prescribed['id']}", data=stop, headers=headers))[0] == 422


async def test_questionnaire_answers_are_updated_not_created(fhir: Fhir, persona_data: list[dict[str, Any]]) -> None:
    qr = first(persona_data, "QuestionnaireResponse")
    answers = {
        **qr,
        "status": "in-progress",
        "item": [{"linkId": "previous-dentist", "answer": [{"valueString": "Dr Lee"}]}],
    }
    status, body, headers = await fhir.call("PUT", f"QuestionnaireResponse/{qr['id']}", json_body=answers)
    assert (status, body, headers["ETag"]) == (200, None, 'W/"2"')
    assert (await fhir.get(f"QuestionnaireResponse/{qr['id']}"))[1]["item"] == answers["item"]
    assert (await fhir.call("POST", "QuestionnaireResponse", json_body=answers))[0] == 405
    status, body, _ = await fhir.get("Questionnaire", [("_id", qr["questionnaire"].split("/")[1])])
    assert status == 200 and len(body["entry"]) == 1


async def test_a_note_is_an_xhtml_binary_at_an_absolute_url(
    reader: Fhir,
    shared_http: aiohttp.ClientSession,
    shared: FhirServer,
    client_key: Key,
    persona_data: list[dict[str, Any]],
) -> None:
    note = first(persona_data, "DocumentReference")
    attachment = (await reader.get(f"DocumentReference/{note['id']}"))[1]["content"][0]["attachment"]
    assert (
        attachment["url"].startswith(f"{shared.base_url}/Binary/")
        and attachment["contentType"] == "application/xhtml+xml"
    )
    async with shared_http.get(attachment["url"], headers={**reader.headers, "Accept": "application/xhtml+xml"}) as r:
        assert r.status == 200 and r.content_type == "application/xhtml+xml"
        page = await r.text()
    assert page.startswith("<!DOCTYPE html") and "<body>" in page
    status, binary, _ = await reader.get(attachment["url"])
    assert (status, binary["resourceType"]) == (200, "Binary")
    binary_only = await client(shared_http, shared, client_key, "system/Binary.read")
    assert (await binary_only.get(attachment["url"]))[0] == 403


async def test_a_pdf_note_is_an_xr_binary_served_raw_or_as_json(
    reader: Fhir, shared_http: aiohttp.ClientSession, shared: FhirServer, persona_data: list[dict[str, Any]]
) -> None:
    (note,) = [r for r in persona_data if r["resourceType"] == "DocumentReference"
               and r["content"][0]["attachment"]["contentType"] == "application/pdf"
               and r["content"][0]["attachment"]["url"].startswith("Binary/XR-")][:1]  # fmt: skip
    attachment = (await reader.get(f"DocumentReference/{note['id']}"))[1]["content"][0]["attachment"]
    assert attachment["url"].startswith(f"{shared.base_url}/Binary/XR-") and "size" not in attachment
    async with shared_http.get(attachment["url"], headers={**reader.headers, "Accept": "application/pdf"}) as r:
        assert r.status == 200 and r.content_type == "application/pdf"
        raw = await r.read()
    status, binary, _ = await reader.get(attachment["url"])
    assert status == 200 and raw.startswith(b"%PDF") and base64.b64decode(binary["data"]) == raw


async def test_includes_need_the_scopes_of_what_they_add(
    shared_http: aiohttp.ClientSession, shared: FhirServer, client_key: Key
) -> None:
    slots_only = await client(shared_http, shared, client_key, "system/Slot.read")
    params = [
        ("service-type", "http://snomed.info/sct|394812008"),
        ("start", "ge2026-12-01T00:00:00Z"),
        ("start", "lt2027-01-15T00:00:00Z"),
    ]
    assert (await slots_only.get("Slot", params))[0] == 200
    assert (await slots_only.get("Slot", [*params, ("_include", "Slot:schedule")]))[0] == 403
    labs_only = await client(shared_http, shared, client_key, "system/Observation.read")
    lab = [("patient", "12724066")]
    assert (await labs_only.get("Observation", lab))[0] == 200
    assert (await labs_only.get("Observation", [*lab, ("_revinclude", "Provenance:target")]))[0] == 403


async def test_the_capability_statement_says_what_the_server_does(
    shared: FhirServer, shared_http: aiohttp.ClientSession
) -> None:
    async with shared_http.get(f"{shared.base_url}/metadata") as response:
        statement = await response.json(content_type=None)
    rest = statement["rest"][0]
    assert "interaction" not in rest  # no batch, no transaction
    by_type = {r["type"]: r for r in rest["resource"]}
    assert "Task" not in by_type and "MedicationDispense" not in by_type
    codes = {t: [i["code"] for i in r["interaction"]] for t, r in by_type.items()}
    assert codes["Slot"] == ["read", "search-type", "patch"]
    assert codes["Appointment"] == ["read", "search-type", "create", "patch"]
    assert codes["QuestionnaireResponse"] == ["read", "search-type", "update"]
    assert codes["Questionnaire"] == ["read", "search-type"]
    slot_params = {p["name"] for p in by_type["Slot"]["searchParam"]}
    assert slot_params == {"_id", "service-type", "schedule.actor", "-location", "start", "_count"}
    assert by_type["Slot"]["searchInclude"] == ["Schedule:actor:Practitioner", "Slot:schedule"]
    assert "searchInclude" not in by_type["Appointment"] and statement["patchFormat"] == ["application/json-patch+json"]
    async with shared_http.get(f"{shared.base_url}/.well-known/smart-configuration") as response:
        smart = await response.json()
    assert smart["token_endpoint_auth_signing_alg_values_supported"] == ["RS384", "ES384"]
    assert "system/Appointment.write" in smart["scopes_supported"]
    assert not [s for s in smart["scopes_supported"] if "*" in s]


async def test_patient_pages_of_20_and_too_many_matches_is_422(
    server: FhirServer, fhir: Fhir, persona_data: list[dict[str, Any]]
) -> None:
    template = first(persona_data, "Patient")
    for n in range(1001):
        server.store.put({**template, "id": f"9{n:07d}", "name": [{"family": "Quill" if n < 25 else "Quillon"}]})
    status, body, _ = await fhir.get("Patient", [("family:exact", "Quill")])
    assert (status, len(body["entry"])) == (200, 20) and next_url(body)
    status, body, _ = await fhir.get("Patient", [("family", "Quill")])
    assert (status, body["issue"][0]["code"]) == (422, "business-rule")
