"""Cancelling and rescheduling: only one's own future GENESIS bookings; slots come back on offer."""

from __future__ import annotations

from typing import Any

from tests.actions.conftest import Actions, source_id

HISTORY = """{ me { appointments(first: 100) { edges { node {
  id status canCancel provenance { source } } } } } }"""


async def _booked(actions: Actions, who: str, slot: dict[str, Any]) -> dict[str, Any]:
    payload = await actions.book(who, slot["id"])
    assert payload["userErrors"] == []
    booked: dict[str, Any] = payload["appointment"]
    return booked


async def test_cancel_frees_the_slot(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    booked = await _booked(actions, "P4", slot)

    payload = await actions.cancel("P4", booked["id"])

    assert payload["userErrors"] == []
    assert payload["appointment"]["status"] == "CANCELLED" and payload["appointment"]["canCancel"] is False
    listed = {a["id"]: a for a in await actions.appointments("P4")}
    assert listed[booked["id"]]["status"] == "CANCELLED"
    assert slot["id"] in {s["id"] for s in await actions.slots("P4")}
    again = await actions.cancel("P4", booked["id"])
    assert [e["code"] for e in again["userErrors"]] == ["NOT_CANCELLABLE"]


async def test_cancel_refuses_past_and_archived_appointments(actions: Actions) -> None:
    history = (await actions.ask("P3", HISTORY))["me"]["appointments"]["edges"]
    past = next(
        e["node"] for e in history
        if e["node"]["provenance"]["source"] == "GENESIS" and e["node"]["status"] == "FULFILLED"
    )
    archived = (await actions.ask("P1", HISTORY))["me"]["appointments"]["edges"]
    tol = next(e["node"] for e in archived if e["node"]["provenance"]["source"] == "TOL_ARCHIVE")

    refused_past = await actions.cancel("P3", past["id"])
    refused_tol = await actions.cancel("P1", tol["id"])

    assert [(e["code"], e["field"]) for e in refused_past["userErrors"]] == [
        ("NOT_CANCELLABLE", ["input", "appointmentId"])
    ]
    assert [e["code"] for e in refused_tol["userErrors"]] == ["NOT_GENESIS"]
    assert refused_past["appointment"] is None and refused_tol["appointment"] is None


async def test_another_patients_appointment_is_not_found(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    booked = await _booked(actions, "P4", slot)
    stored = actions.stack.genesis.store.get("Appointment", booked["provenance"]["sourceId"])

    payload = await actions.cancel("P2", booked["id"])
    moved = await actions.reschedule("P2", booked["id"], claim(await actions.slots("P2"))[0]["id"])

    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    assert [e["code"] for e in moved["userErrors"]] == ["NOT_FOUND"]
    assert actions.stack.genesis.store.get("Appointment", booked["provenance"]["sourceId"]) == stored
    mine = {a["id"]: a for a in await actions.appointments("P4")}
    assert mine[booked["id"]]["status"] == "BOOKED"


async def test_reschedule_moves_to_the_new_slot(actions: Actions, claim: Any) -> None:
    old, new = claim(await actions.slots("P4"), 2)
    booked = await _booked(actions, "P4", old)

    payload = await actions.reschedule("P4", booked["id"], new["id"])

    assert payload["userErrors"] == []
    moved = payload["appointment"]
    assert moved["id"] == booked["id"]  # the same Appointment, updated in place
    assert (moved["start"], moved["end"]) == (new["start"], new["end"]) and moved["status"] == "BOOKED"
    listed = {a["id"]: a for a in await actions.appointments("P4")}
    assert (listed[booked["id"]]["start"], listed[booked["id"]]["end"]) == (new["start"], new["end"])
    offered = {s["id"] for s in await actions.slots("P4")}
    assert old["id"] in offered and new["id"] not in offered
    assert actions.slot(source_id(old["id"]))["status"] == "free"


async def test_reschedule_refuses_a_taken_slot_or_another_service(actions: Actions, claim: Any) -> None:
    mine, taken = claim(await actions.slots("P4"), 2)
    (dental,) = claim(await actions.slots("P4", "DENTAL"))
    booked = await _booked(actions, "P4", mine)
    await _booked(actions, "P2", taken)

    onto_taken = await actions.reschedule("P4", booked["id"], taken["id"])
    onto_dental = await actions.reschedule("P4", booked["id"], dental["id"])

    assert [(e["code"], e["field"]) for e in onto_taken["userErrors"]] == [("SLOT_UNAVAILABLE", ["input", "newSlotId"])]
    assert [e["code"] for e in onto_dental["userErrors"]] == ["SERVICE_MISMATCH"]
    assert dental["id"] in {s["id"] for s in await actions.slots("P4", "DENTAL")}
    listed = {a["id"]: a for a in await actions.appointments("P4")}
    assert listed[booked["id"]]["start"] == mine["start"]
