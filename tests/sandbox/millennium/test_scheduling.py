"""Scheduling as Millennium answers it: slot search, booking, cancel, reschedule, holds, versions."""

from __future__ import annotations

import json
from typing import Any

from sandbox.fhir import FhirServer
from sandbox.millennium.systems import SCHEDULING_LOCATION

from ..conftest import Fhir
from .conftest import DENTAL, PRIMARY_CARE, first, ids_of

WINDOW = [("start", "ge2026-12-01T00:00:00Z"), ("start", "lt2027-01-15T00:00:00Z")]
PATCH = "application/json-patch+json"


def booking(slot_id: str, patient_id: str) -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "status": "booked",
        "slot": [{"reference": f"Slot/{slot_id}"}],
        "participant": [{"actor": {"reference": f"Patient/{patient_id}"}, "status": "accepted"}],
        "reasonCode": [{"text": "Tooth pain"}],
    }


async def patch(fhir: Fhir, path: str, ops: list[dict[str, Any]], version: str | None) -> tuple[int, Any, Any]:
    headers = {"Content-Type": PATCH, **({"If-Match": version} if version else {})}
    return await fhir.call("PATCH", path, data=json.dumps(ops).encode(), headers=headers)


async def free_dental(fhir: Fhir, count: int = 2) -> list[dict[str, Any]]:
    status, body, _ = await fhir.get("Slot", [("service-type", DENTAL), *WINDOW])
    assert status == 200, body
    return [e["resource"] for e in body["entry"]][:count]


async def book(fhir: Fhir, slot: dict[str, Any], patient: str) -> str:
    status, body, headers = await fhir.call("POST", "Appointment", json_body=booking(slot["id"], patient))
    assert status == 201, body
    return str(headers["Location"].rsplit("/", 1)[1])


async def test_slot_search_answers_free_slots_soonest_first(reader: Fhir, persona_data: list[dict[str, Any]]) -> None:
    status, body, _ = await reader.get("Slot", [("service-type", DENTAL), *WINDOW, ("_count", "200")])
    assert status == 200
    slots = [e["resource"] for e in body["entry"]]
    assert slots and {s["status"] for s in slots} == {"free"}
    starts = [_utc(s["start"]) for s in slots]
    assert starts == sorted(starts)
    assert all(SCHEDULING_LOCATION in {x["url"] for x in s["extension"]} for s in slots)
    free_dental_in_data = [
        r
        for r in persona_data
        if r["resourceType"] == "Slot"
        and r["status"] == "free"
        and DENTAL.split("|")[1] in json.dumps(r["serviceType"])
    ]
    assert len(slots) == len(free_dental_in_data)


async def test_slot_search_narrows_by_location_and_practitioner_and_includes(
    reader: Fhir, persona_data: list[dict[str, Any]]
) -> None:
    location = first(persona_data, "Location")["id"]
    params = [("service-type", PRIMARY_CARE), *WINDOW, ("-location", location), ("_include", "Slot:schedule")]
    status, body, _ = await reader.get("Slot", params)
    assert status == 200
    places = {
        x["valueReference"]["reference"]
        for e in body["entry"]
        if e["search"]["mode"] == "match"
        for x in e["resource"]["extension"]
    }
    assert places == {f"Location/{location}"}
    schedules = [e["resource"] for e in body["entry"] if e["search"]["mode"] == "include"]
    assert schedules and {s["resourceType"] for s in schedules} == {"Schedule"}
    doctor = first(persona_data, "Practitioner")["id"]
    params = [
        ("service-type", PRIMARY_CARE),
        *WINDOW,
        ("schedule.actor", f"Practitioner/{doctor}"),
        ("_include", "Schedule:actor:Practitioner"),
    ]
    status, body, _ = await reader.get("Slot", params)
    assert status == 200 and ids_of(body)
    assert ids_of(body, "include") == [doctor]


async def test_booking_answers_201_with_location_and_etag_and_takes_the_slot(
    fhir: Fhir, persona_data: list[dict[str, Any]]
) -> None:
    patient = first(persona_data, "Patient")["id"]
    (slot, _) = await free_dental(fhir)
    status, body, headers = await fhir.call("POST", "Appointment", json_body=booking(slot["id"], patient))
    assert (status, body) == (201, None)
    assert headers["ETag"] == 'W/"0"'
    assert (
        headers["Location"].startswith(f"{fhir.server.base_url}/Appointment/") and "_history" not in headers["Location"]
    )
    appt_id = headers["Location"].rsplit("/", 1)[1]
    assert appt_id.isdigit()
    status, appt, headers = await fhir.get(f"Appointment/{appt_id}")
    assert (status, appt["status"], appt["start"], headers["ETag"]) == (200, "booked", slot["start"], 'W/"0"')
    actors = {p["actor"]["reference"].split("/")[0] for p in appt["participant"]}
    assert actors == {"Patient", "Practitioner", "Location"}
    assert appt["serviceType"] == slot["serviceType"]
    assert (await fhir.get(f"Slot/{slot['id']}"))[1]["status"] == "busy"
    assert slot["id"] not in [s["id"] for s in await free_dental(fhir, 999)]


async def test_a_retry_is_not_deduplicated_the_slot_is_simply_taken(
    fhir: Fhir, persona_data: list[dict[str, Any]]
) -> None:
    """`If-None-Exist` is not documented: the server ignores it, so a retry meets 409."""
    patient = first(persona_data, "Patient")["id"]
    (slot, _) = await free_dental(fhir)
    condition = {"If-None-Exist": "identifier=urn:mhs:idempotency|k1"}
    first_try = await fhir.call("POST", "Appointment", json_body=booking(slot["id"], patient), headers=condition)
    retry = await fhir.call("POST", "Appointment", json_body=booking(slot["id"], patient), headers=condition)
    assert (first_try[0], retry[0]) == (201, 409)


async def test_cancel_needs_the_current_version_and_frees_the_slot(
    fhir: Fhir, persona_data: list[dict[str, Any]]
) -> None:
    patient = first(persona_data, "Patient")["id"]
    (slot, _) = await free_dental(fhir)
    appt = await book(fhir, slot, patient)
    cancel = [
        {"op": "replace", "path": "/status", "value": "cancelled"},
        {
            "op": "add",
            "path": "/cancelationReason",
            "value": {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason", "code": "pat"}
                ]
            },
        },
    ]
    assert (await patch(fhir, f"Appointment/{appt}", cancel, None))[0] == 412
    assert (await patch(fhir, f"Appointment/{appt}", cancel, 'W/"3"'))[0] == 409
    status, body, headers = await patch(fhir, f"Appointment/{appt}", cancel, 'W/"0"')
    assert (status, body, headers["ETag"]) == (200, None, 'W/"1"')
    stored = (await fhir.get(f"Appointment/{appt}"))[1]
    assert stored["status"] == "cancelled" and stored["cancelationReason"]["coding"][0]["code"] == "pat"
    assert (await fhir.get(f"Slot/{slot['id']}"))[1]["status"] == "free"


async def test_a_booking_and_its_cancel_are_found_by_the_searches_made_before(
    fhir: Fhir, persona_data: list[dict[str, Any]]
) -> None:
    patient = first(persona_data, "Patient")["id"]
    params = [("patient", patient), ("date", "ge2026-12-01T00:00:00Z"), ("_count", "200")]
    before = ids_of((await fhir.get("Appointment", params))[1])
    assert ids_of((await fhir.get("Appointment", [*params, ("status", "cancelled")]))[1]) == []
    (slot, _) = await free_dental(fhir)
    appt = await book(fhir, slot, patient)
    assert set(ids_of((await fhir.get("Appointment", params))[1])) == {*before, appt}
    cancel = [{"op": "replace", "path": "/status", "value": "cancelled"}]
    assert (await patch(fhir, f"Appointment/{appt}", cancel, 'W/"0"'))[0] == 200
    assert ids_of((await fhir.get("Appointment", [*params, ("status", "cancelled")]))[1]) == [appt]
    assert appt not in ids_of((await fhir.get("Appointment", [*params, ("status", "booked")]))[1])


async def test_reschedule_replaces_the_slot(fhir: Fhir, persona_data: list[dict[str, Any]]) -> None:
    patient = first(persona_data, "Patient")["id"]
    old, new = await free_dental(fhir)
    appt = await book(fhir, old, patient)
    move = [{"op": "replace", "path": "/slot", "value": [{"reference": f"Slot/{new['id']}"}]}]
    status, _, headers = await patch(fhir, f"Appointment/{appt}", move, 'W/"0"')
    assert (status, headers["ETag"]) == (200, 'W/"1"')
    stored = (await fhir.get(f"Appointment/{appt}"))[1]
    assert (stored["start"], stored["slot"]) == (new["start"], [{"reference": f"Slot/{new['id']}"}])
    assert (await fhir.get(f"Slot/{old['id']}"))[1]["status"] == "free"
    assert (await fhir.get(f"Slot/{new['id']}"))[1]["status"] == "busy"


async def test_arrive_then_check_in_then_fulfil(fhir: Fhir, persona_data: list[dict[str, Any]]) -> None:
    appt = first(persona_data, "Appointment", status="booked")
    version = 1
    for status in ("arrived", "checked-in", "fulfilled"):
        ops = [{"op": "replace", "path": "/status", "value": status}]
        code, _, headers = await patch(fhir, f"Appointment/{appt['id']}", ops, f'W/"{version}"')
        assert code == 200
        version += 1
        assert headers["ETag"] == f'W/"{version}"'
    assert (await fhir.get(f"Appointment/{appt['id']}"))[1]["status"] == "fulfilled"


async def test_a_held_slot_leaves_search_and_only_the_status_changes(fhir: Fhir) -> None:
    (slot, _) = await free_dental(fhir)
    hold = [{"op": "replace", "path": "/status", "value": "busy-tentative"}]
    status, _, headers = await patch(fhir, f"Slot/{slot['id']}", hold, 'W/"1"')
    assert (status, headers["ETag"]) == (200, 'W/"2"')
    assert slot["id"] not in [s["id"] for s in await free_dental(fhir, 999)]
    held = (await fhir.get(f"Slot/{slot['id']}"))[1]
    assert {k: v for k, v in held.items() if k not in ("status", "meta")} == {
        k: v for k, v in slot.items() if k not in ("status", "meta")
    }
    release = [{"op": "replace", "path": "/status", "value": "free"}]
    assert (await patch(fhir, f"Slot/{slot['id']}", release, 'W/"2"'))[0] == 200


async def test_a_write_while_another_modifies_the_resource_is_423(
    fhir: Fhir, server: FhirServer, persona_data: list[dict[str, Any]]
) -> None:
    appt = first(persona_data, "Appointment", status="booked")
    ops = [{"op": "replace", "path": "/status", "value": "arrived"}]
    with server.profile.locks.hold(("Appointment", appt["id"])):  # type: ignore[attr-defined]
        status, body, _ = await patch(fhir, f"Appointment/{appt['id']}", ops, 'W/"1"')
    assert (status, body["issue"][0]["code"]) == (423, "lock-error")
    assert (await patch(fhir, f"Appointment/{appt['id']}", ops, 'W/"1"'))[0] == 200


async def test_appointments_come_soonest_first_for_a_list_of_patients(
    reader: Fhir, persona_data: list[dict[str, Any]]
) -> None:
    patients = [r["id"] for r in persona_data if r["resourceType"] == "Patient"]
    params = [
        ("patient", ",".join(patients[:3])),
        ("date", "ge2020-01-01T00:00:00Z"),
        ("date", "lt2030-01-01T00:00:00Z"),
        ("_count", "200"),
    ]
    status, body, _ = await reader.get("Appointment", params)
    assert status == 200
    found = [e["resource"] for e in body["entry"]]
    mine = [
        r
        for r in persona_data
        if r["resourceType"] == "Appointment"
        and r["status"] != "proposed"
        and any(p["actor"]["reference"] in {f"Patient/{p}" for p in patients[:3]} for p in r["participant"])
    ]
    assert {a["id"] for a in found} == {a["id"] for a in mine}
    instants = [_utc(a["start"]) for a in found]
    assert instants == sorted(instants)
    status, body, _ = await reader.get("Appointment", [("patient", patients[0]), ("date", "ge2026-12-03T00:00:00Z")])
    assert status == 200 and all(_utc(e["resource"]["start"]) >= "2026-12-03" for e in body["entry"])


def _utc(instant: str) -> str:
    import datetime as dt

    return dt.datetime.fromisoformat(instant).astimezone(dt.UTC).isoformat()
