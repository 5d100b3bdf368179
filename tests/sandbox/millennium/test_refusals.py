"""The Millennium profile refuses what Millennium refuses: one row per documented rule, real HTTP.

Each row's id is the rule's id in docs/millennium-rules.md. Rows only ever fail, so they share one
server; `{name}` placeholders are filled from the persona data (see `known`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from ..conftest import Fhir
from .conftest import DENTAL, DOD, PRIMARY_CARE, first

WINDOW = [("start", "ge2026-12-01T00:00:00Z"), ("start", "lt2027-01-15T00:00:00Z")]
PATCH = {"Content-Type": "application/json-patch+json"}


@dataclass(frozen=True)
class Row:
    rule: str
    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 400
    code: str | None = None


def booked_body(slot: str, patient: str = "{p1}", **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "status": "booked",
        "slot": [{"reference": f"Slot/{slot}"}],
        "participant": [{"actor": {"reference": f"Patient/{patient}"}, "status": "accepted"}],
        **extra,
    }


def message(**over: Any) -> dict[str, Any]:
    body = {
        "resourceType": "Communication",
        "status": "completed",
        "category": [
            {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/communication-category", "code": "notification"}
                ]
            }
        ],
        "subject": {"reference": "Patient/{p1}"},
        "recipient": [{"reference": "Practitioner/{prac}"}],
        "sender": {"reference": "Practitioner/{prac}"},
        "payload": [{"contentAttachment": {"contentType": "text/plain", "data": "aGVsbG8="}}],
    }
    return {**body, **over}


ROWS = [
    # -- interactions ------------------------------------------------------------------------
    Row("I1", "POST", "", body={"resourceType": "Bundle", "type": "batch", "entry": []}, status=405),
    Row("I2", "POST", "", body={"resourceType": "Bundle", "type": "transaction", "entry": []}, status=405),
    Row("I3", "GET", "Task/task-1", status=404, code="not-found"),
    Row("I3b", "GET", "Task", [("patient", "{p1}")], status=404),
    Row("I3c", "GET", "MedicationDispense", [("patient", "{p1}")], status=404),
    Row("I4", "PUT", "Slot/{free_slot}", body={"resourceType": "Slot", "id": "{free_slot}"}, status=405),
    Row("I4b", "PUT", "Appointment/{appt}", body={"resourceType": "Appointment", "id": "{appt}"}, status=405),
    Row("I5", "POST", "QuestionnaireResponse", body={"resourceType": "QuestionnaireResponse"}, status=405),
    Row("I5b", "POST", "Questionnaire", body={"resourceType": "Questionnaire"}, status=405),
    Row("I6", "DELETE", "Appointment/{appt}", status=405),
    Row("I7", "POST", "Patient/_search", body={}, status=405),
    Row("I8", "GET", "Patient/{p1}", headers={"Accept": "application/xml"}, status=406),
    Row("I9", "GET", "Appointment/{appt}/_history", status=404),
    # -- search: result parameters -------------------------------------------------------------
    Row("S1", "GET", "Observation", [("patient", "{p1}"), ("_sort", "-date")]),
    Row("S2", "GET", "Observation", [("patient", "{p1}"), ("_total", "accurate")]),
    Row("S3", "GET", "Observation", [("patient", "{p1}"), ("_summary", "count")]),
    Row("S4", "GET", "Observation", [("patient", "{p1}"), ("_elements", "identifier")]),
    Row("S5", "GET", "Observation", [("patient", "{p1}"), ("category:not", "laboratory")]),
    Row("S5b", "GET", "Patient", [("name:contains", "Cast")]),
    Row(
        "S6",
        "GET",
        "Appointment",
        [("patient", "{p1}"), ("date", "ge2026-01-01T00:00:00Z"), ("_include", "Appointment:practitioner")],
    ),
    Row("S7", "GET", "MedicationRequest", [("patient", "{p1}"), ("_revinclude", "MedicationDispense:prescription")]),
    Row("S7b", "GET", "Communication", [("_id", "{comm}"), ("_revinclude", "Communication:part-of")]),
    Row("S8", "GET", "Slot", [("_id", "{free_slot}"), ("_include", "Slot:schedule"), ("_include", "Slot:schedule")]),
    Row("S9", "GET", "Observation", [("patient", "{p1}"), ("status", "final")]),
    Row("S9b", "GET", "Observation", [("identifier", "urn:mhs:lab-accession|GEN-000001")]),
    Row("S10", "GET", "Condition", [("patient", "{p1}"), ("_count", "5")]),
    # -- Patient ------------------------------------------------------------------------------
    Row("P1", "GET", "Patient", [("identifier", f"{DOD}|1000000001,{DOD}|1000000002")]),
    Row("P2", "GET", "Patient", [("identifier", f"{DOD}|1000000001"), ("identifier", f"{DOD}|1000000002")]),
    Row("P3", "GET", "Patient", []),
    Row("P4", "GET", "Patient", [("gender", "female")]),
    Row("P5", "GET", "Patient", [("birthdate", "1993-04-17T00:00:00Z")]),
    Row("P6", "GET", "Patient", [("family", "Castillo"), ("family", "Rivera")]),
    Row("P7", "GET", "Practitioner", [("identifier", "4326587548")]),
    Row("P7b", "GET", "Practitioner", [("name", "Hayes"), ("given", "Morgan")]),
    # -- Appointment ---------------------------------------------------------------------------
    Row("A1", "GET", "Appointment", [("patient", "{p1}")]),
    Row("A2", "GET", "Appointment", [("patient", "{p1}"), ("date", "2026-12-08T08:00:00Z")]),
    Row("A3", "GET", "Appointment", [("patient", "{p1}"), ("date", "ge2026-12-01")]),
    Row(
        "A4",
        "GET",
        "Appointment",
        [("patient", "{p1}"), ("date", "ge2026-12-01T00:00:00Z"), ("date", "le2026-12-31T00:00:00Z")],
    ),
    Row(
        "A5",
        "GET",
        "Appointment",
        [("patient", "{p1}"), ("date", "ge2026-12-31T00:00:00Z"), ("date", "lt2026-12-01T00:00:00Z")],
    ),
    Row("A6", "GET", "Appointment", [("patient", "{p1}"), ("location", "{loc}"), ("date", "ge2026-12-01T00:00:00Z")]),
    Row("A7", "GET", "Appointment", [("patient", "{p1}"), ("patient", "{p3}"), ("date", "ge2026-12-01T00:00:00Z")]),
    Row(
        "A8",
        "GET",
        "Appointment",
        [("patient", "{p1}"), ("date", "ge2026-12-01T00:00:00Z"), ("-date-or-req-period", "ge2026-12-01T00:00:00Z")],
    ),
    Row("A9", "GET", "Appointment", [("patient", "{p1}"), ("date", "ge2026-12-01T00:00:00Z"), ("status:not", "x")]),
    # -- Slot ------------------------------------------------------------------------------------
    Row("L1", "GET", "Slot", WINDOW),
    Row("L2", "GET", "Slot", [("service-type", DENTAL)]),
    Row("L3", "GET", "Slot", [("service-type", DENTAL), ("start", "ge2026-12-01T00:00:00Z")]),
    Row("L4", "GET", "Slot", [("service-type", DENTAL), ("start", "ge2026-12-01"), ("start", "lt2027-01-15")]),
    Row("L5", "GET", "Slot", [("service-type", f"{DENTAL},http://snomed.info/sct|394812008"), *WINDOW]),
    Row("L6", "GET", "Slot", [("service-type", "2572307913"), *WINDOW]),
    Row("L7", "GET", "Slot", [("service-type", DENTAL), ("service-type", PRIMARY_CARE), *WINDOW]),
    Row("L8", "GET", "Slot", [("service-type", DENTAL), ("status", "free"), *WINDOW]),
    Row(
        "L9",
        "GET",
        "Slot",
        [("service-category", "http://terminology.hl7.org/CodeSystem/service-category|10"), *WINDOW],
    ),
    Row("L10", "GET", "Schedule", [("actor", "Practitioner/{prac}")]),
    # -- Communication -------------------------------------------------------------------------
    Row("C1", "GET", "Communication", [("patient", "{p1}")]),
    Row("C1b", "GET", "Communication", [("subject", "Patient/{p1}")]),
    Row("C2", "GET", "Communication", [("category", "notification"), ("recipient:Practitioner", "{prac}")]),
    Row(
        "C3",
        "GET",
        "Communication",
        [
            ("category", "http://terminology.hl7.org/CodeSystem/communication-category|notification"),
            ("recipient:Practitioner", "{prac}"),
            ("received", "ge2026-01-01"),
            ("-email-status", "http://hl7.org/fhir/task-status|completed"),
        ],
    ),
    Row(
        "C4",
        "GET",
        "Communication",
        [
            ("category", "http://terminology.hl7.org/CodeSystem/communication-category|notification"),
            ("recipient:Practitioner", "{prac}"),
            ("received", "le2026-01-01T00:00:00Z"),
            ("-email-status", "http://hl7.org/fhir/task-status|completed"),
        ],
    ),
    # -- clinical searches -----------------------------------------------------------------------
    Row("O1", "GET", "Observation", [("_id", "{obs}"), ("patient", "{p1}")]),
    Row("O2", "GET", "Observation", [("patient", "{p1}"), ("date", "ge2026-01-01"), ("_lastUpdated", "ge2026-01-01")]),
    Row("O3", "GET", "Observation", [("patient", "{p1}"), ("date", "ge2026-01-01"), ("date", "ge2026-06-01")]),
    Row("D1", "GET", "DocumentReference", [("patient", "{p1}"), ("status", "current")]),
    Row("D2", "GET", "DocumentReference", [("patient", "{p1}"), ("_include", "DocumentReference:author")]),
    Row("D3", "GET", "DocumentReference", [("patient", "{p1}"), ("period", "ge2026-01-01")]),
    Row("D4", "GET", "DocumentReference", [("patient", "{p1}"), ("date", "ge2026-01-01"), ("date", "lt2026-06-01")]),
    Row("Q1", "GET", "Questionnaire", [("url", "urn:mhs:questionnaire:dental-health-history")]),
    Row("Q2", "GET", "QuestionnaireResponse", [("questionnaire", "Questionnaire/{q}")]),
    Row("T1", "GET", "CareTeam", [("_id", "{team},{team}")]),
    Row("T2", "GET", "CareTeam", [("encounter", "1"), ("category", "longitudinal")]),
    Row("M1", "GET", "MedicationRequest", [("patient", "{p1}"), ("-timing-boundsPeriod", "lt2026-01-01")]),
    Row("M2", "GET", "MedicationRequest", [("_id", "{medrx}"), ("status", "active")]),
    Row("G1", "GET", "Observation", [("-pageContext", "not-a-page"), ("-pageDirection", "NEXT")]),
    # -- writes --------------------------------------------------------------------------------
    Row("W1", "POST", "Appointment", body={**booked_body("{free_slot}"), "slot": []}, status=422),
    Row(
        "W2",
        "POST",
        "Appointment",
        body={
            **booked_body("{free_slot}"),
            "slot": [{"reference": "Slot/{free_slot}"}, {"reference": "Slot/{free_slot2}"}],
        },
        status=422,
    ),
    Row(
        "W3",
        "POST",
        "Appointment",
        body={
            **booked_body("{free_slot}"),
            "participant": [
                {"actor": {"reference": "Patient/{p1}"}, "status": "accepted"},
                {"actor": {"reference": "Practitioner/{prac}"}, "status": "accepted"},
            ],
        },
        status=422,
    ),
    Row("W4", "POST", "Appointment", body={**booked_body("{free_slot}"), "status": "pending"}, status=422),
    Row(
        "W5",
        "POST",
        "Appointment",
        body={
            **booked_body("{free_slot}"),
            "participant": [
                {"actor": {"reference": "Patient/{p1}"}, "status": "accepted", "type": [{"text": "patient"}]}
            ],
        },
        status=422,
    ),
    Row("W6", "POST", "Appointment", body=booked_body("{free_slot}", identifier=[{"value": "k1"}]), status=422),
    Row(
        "W7",
        "POST",
        "Appointment",
        body=booked_body("{free_slot}", modifierExtension=[{"url": "x"}]),
        status=422,
        code="extension",
    ),
    Row("W8", "POST", "Appointment", body=booked_body("{busy_slot}"), status=409),
    Row("W9", "POST", "Appointment", body=booked_body("{free_slot}", patient="12345"), status=422),
    Row(
        "W10",
        "PATCH",
        "Appointment/{appt}",
        body=[{"op": "replace", "path": "/status", "value": "cancelled"}],
        headers=PATCH,
        status=412,
    ),
    Row(
        "W11",
        "PATCH",
        "Appointment/{appt}",
        body=[{"op": "replace", "path": "/status", "value": "cancelled"}],
        headers={**PATCH, "If-Match": 'W/"7"'},
        status=409,
    ),
    Row(
        "W12",
        "PATCH",
        "Appointment/{appt}",
        body=[{"op": "replace", "path": "/status", "value": "cancelled"}],
        headers={"Content-Type": "application/json", "If-Match": 'W/"1"'},
        status=415,
    ),
    Row(
        "W13",
        "PATCH",
        "Appointment/{appt}",
        body=[{"op": "replace", "path": "/start", "value": "2030-01-01"}],
        headers={**PATCH, "If-Match": 'W/"1"'},
        status=422,
    ),
    Row(
        "W14",
        "PATCH",
        "Appointment/{appt}",
        body=[{"op": "replace", "path": "/status", "value": "fulfilled"}],
        headers={**PATCH, "If-Match": 'W/"1"'},
        status=422,
    ),
    Row(
        "W15",
        "PATCH",
        "Appointment/{appt}",
        body=[{"op": "add", "path": "/cancelationReason", "value": {"coding": [{"code": "pat"}]}}],
        headers={**PATCH, "If-Match": 'W/"1"'},
        status=422,
    ),
    Row(
        "W16",
        "PATCH",
        "Slot/{free_slot}",
        body=[{"op": "replace", "path": "/status", "value": "busy"}],
        headers={**PATCH, "If-Match": 'W/"1"'},
        status=422,
    ),
    Row(
        "W17",
        "PATCH",
        "Slot/{free_slot}",
        body=[{"op": "replace", "path": "/start", "value": "2030-01-01"}],
        headers={**PATCH, "If-Match": 'W/"1"'},
        status=422,
    ),
    Row("W18", "POST", "Communication", body=message(sender={"reference": "Patient/{p1}"}), status=422),
    Row("W19", "POST", "Communication", body=message(recipient=[{"reference": "CareTeam/{team}"}]), status=422),
    Row("W20", "POST", "Communication", body=message(payload=[{"contentString": "hello"}]), status=422),
    Row(
        "W21",
        "POST",
        "MedicationRequest",
        body={
            "resourceType": "MedicationRequest",
            "status": "active",
            "intent": "order",
            "medicationCodeableConcept": {"text": "Ibuprofen 200 MG"},
            "subject": {"reference": "Patient/{p1}"},
        },
        status=422,
    ),
    Row(
        "W22",
        "PUT",
        "QuestionnaireResponse/{qr}",
        body={
            "resourceType": "QuestionnaireResponse",
            "id": "{qr}",
            "questionnaire": "Questionnaire/{q}",
            "status": "completed",
            "subject": {"reference": "Patient/{p1}"},
            "item": [{"linkId": "previous-dentist", "answer": [{"valueString": "Dr Lee"}]}],
        },
        status=422,
    ),
    Row(
        "W23",
        "PUT",
        "QuestionnaireResponse/{qr}",
        body={
            "resourceType": "QuestionnaireResponse",
            "id": "{qr}",
            "questionnaire": "Questionnaire/{q}",
            "status": "in-progress",
            "subject": {"reference": "Patient/{p1}"},
            "item": [{"linkId": "tooth-pain", "answer": [{"valueBoolean": False}]}],
        },
        status=422,
    ),
    Row(
        "W24",
        "PUT",
        "QuestionnaireResponse/SH-1",
        body={"resourceType": "QuestionnaireResponse", "id": "SH-1"},
        status=404,
    ),
]


@pytest.fixture(scope="module")
def known(persona_data: list[dict[str, Any]]) -> dict[str, str]:
    """Ids the rows refer to, from the persona data."""
    free = [r["id"] for r in persona_data if r["resourceType"] == "Slot" and r["status"] == "free"]
    p1 = first(persona_data, "Patient")["id"]
    return {
        "p1": p1,
        "p3": [r["id"] for r in persona_data if r["resourceType"] == "Patient"][2],
        "free_slot": free[0],
        "free_slot2": free[1],
        "busy_slot": first(persona_data, "Slot", status="busy")["id"],
        "appt": first(persona_data, "Appointment", status="booked")["id"],
        "prac": first(persona_data, "Practitioner")["id"],
        "loc": first(persona_data, "Location")["id"],
        "comm": first(persona_data, "Communication")["id"],
        "obs": first(persona_data, "Observation")["id"],
        "team": first(persona_data, "CareTeam")["id"],
        "medrx": first(persona_data, "MedicationRequest")["id"],
        "q": first(persona_data, "Questionnaire")["id"],
        "qr": first(persona_data, "QuestionnaireResponse")["id"],
    }


def fill(value: Any, known: dict[str, str]) -> Any:
    if value is None:
        return None
    text = json.dumps(value)
    for name, rid in known.items():
        text = text.replace("{" + name + "}", rid)
    return json.loads(text)


@pytest.mark.parametrize("row", ROWS, ids=[r.rule for r in ROWS])
async def test_refused(row: Row, reader: Fhir, known: dict[str, str]) -> None:
    body = fill(row.body, known)
    params = [tuple(p) for p in fill(row.params, known)]
    status, answer, _ = await reader.call(
        row.method,
        fill(row.path, known),
        params=params or None,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/fhir+json", **row.headers},
    )
    assert status == row.status, answer
    assert answer["resourceType"] == "OperationOutcome"
    issue = answer["issue"][0]
    assert issue["severity"] == "error" and issue["details"]["text"]
    if row.code:
        assert issue["code"] == row.code
