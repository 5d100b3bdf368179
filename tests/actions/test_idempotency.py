"""Retries with the same idempotency key: replayed, never written twice, even around failures."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.actions.conftest import CANCEL, RESCHEDULE, Actions, new_key, source_id
from tests.actions.proxy import LosingProxy


def _on_slot(actions: Actions, slot: dict[str, Any]) -> list[dict[str, Any]]:
    ref = {"reference": f"Slot/{source_id(slot['id'])}"}
    return [a for a in actions.resources("Appointment") if ref in (a.get("slot") or [])]


async def _appointment_posts(actions: Actions) -> int:
    """POSTs of an Appointment GENESIS has answered (its request recorder keeps the last 1,000)."""
    async with actions.session.get(f"{actions.stack.info()['admin']['genesis']}/requests") as resp:
        body = await resp.json()
    return sum(1 for r in body["requests"] if r["method"] == "POST" and r["path"].endswith("/Appointment"))


async def test_a_retry_replays_the_first_answer_and_writes_nothing(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    key = new_key()
    first = await actions.book("P4", slot["id"], key)
    assert first["userErrors"] == []
    stats = await actions.quiet_stats()
    count = len(actions.resources("Appointment"))

    again = await actions.book("P4", slot["id"], key)

    assert again == first
    assert len(actions.resources("Appointment")) == count
    assert (await actions.stats())["requests"] == stats["requests"]  # GENESIS was not even asked


async def test_a_refusal_is_replayed_too(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    assert (await actions.book("P2", slot["id"]))["userErrors"] == []
    key = new_key()
    refused = await actions.book("P4", slot["id"], key)
    assert [e["code"] for e in refused["userErrors"]] == ["SLOT_UNAVAILABLE"]

    assert await actions.book("P4", slot["id"], key) == refused


async def test_the_same_key_for_other_input_is_refused(actions: Actions, claim: Any) -> None:
    first_slot, other_slot = claim(await actions.slots("P4"), 2)
    key = new_key()
    booked = await actions.book("P4", first_slot["id"], key)
    assert booked["userErrors"] == []
    count = len(actions.resources("Appointment"))

    other_input = await actions.book("P4", other_slot["id"], key)
    other_operation = await actions.cancel("P4", booked["appointment"]["id"], key)

    for payload in (other_input, other_operation):
        assert payload["appointment"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
        ]
    assert len(actions.resources("Appointment")) == count
    assert actions.slot(source_id(other_slot["id"]))["status"] == "free"
    assert {a["id"]: a for a in await actions.appointments("P4")}[booked["appointment"]["id"]]["status"] == "BOOKED"


async def test_keys_must_be_present_and_short(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    for key in ("", "   ", "k" * 201):
        payload = await actions.book("P4", slot["id"], key)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("BAD_USER_INPUT", ["input", "idempotencyKey"])
        ], key
    assert actions.slot(source_id(slot["id"]))["status"] == "free"
    assert (await actions.book("P4", slot["id"], "k" * 200))["userErrors"] == []


async def test_a_retry_while_the_first_is_running_gets_the_same_booking(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    key = new_key()
    before = await _appointment_posts(actions)
    await actions.faults(latency_ms=600)  # the first attempt takes a few seconds

    first, second = await asyncio.gather(actions.book("P4", slot["id"], key), actions.book("P4", slot["id"], key))

    assert first["userErrors"] == [] and second == first
    assert [a["id"] for a in _on_slot(actions, slot)] == [first["appointment"]["provenance"]["sourceId"]]
    # one of the two ran the booking (one POST of the Appointment); the other only waited
    assert await _appointment_posts(actions) - before == 1


async def test_an_answer_lost_after_genesis_committed_is_reconciled_on_retry(
    actions: Actions, claim: Any, losing_gateway: tuple[str, LosingProxy]
) -> None:
    url, proxy = losing_gateway
    (slot,) = claim(await actions.slots("P4"))
    key = new_key()
    proxy.stall.add(("POST", "/fhir/Appointment"))  # GENESIS commits the create; its answer comes too late

    lost = await actions.book("P4", slot["id"], key, url=url)

    assert [e["code"] for e in lost["userErrors"]] == ["SOURCE_UNAVAILABLE"]
    assert [(m, status) for m, _, status in proxy.committed] == [("POST", 201)]
    assert len(_on_slot(actions, slot)) == 1  # it did happen
    proxy.stall.clear()

    retried = await actions.book("P4", slot["id"], key, url=url)

    assert retried["userErrors"] == []
    assert [a["id"] for a in _on_slot(actions, slot)] == [retried["appointment"]["provenance"]["sourceId"]]
    assert await actions.book("P4", slot["id"], key, url=url) == retried
    assert retried["appointment"]["id"] in {a["id"] for a in await actions.appointments("P4")}


async def test_a_lost_cancel_answer_is_finished_on_retry(
    actions: Actions, claim: Any, losing_gateway: tuple[str, LosingProxy]
) -> None:
    url, proxy = losing_gateway
    (slot,) = claim(await actions.slots("P4"))
    booked = (await actions.book("P4", slot["id"]))["appointment"]
    key = new_key()
    proxy.stall.add(("PATCH", f"/fhir/Appointment/{booked['provenance']['sourceId']}"))

    lost = await actions.ask("P4", CANCEL, {"input": {"appointmentId": booked["id"], "idempotencyKey": key}}, url)

    assert [e["code"] for e in lost["cancelAppointment"]["userErrors"]] == ["SOURCE_UNAVAILABLE"]
    assert [(m, status) for m, _, status in proxy.committed] == [("PATCH", 200)]  # GENESIS cancelled it
    assert actions.slot(source_id(slot["id"]))["status"] == "free"  # and freed the slot itself
    proxy.stall.clear()

    retried = await actions.cancel("P4", booked["id"], key)

    assert retried["userErrors"] == [] and retried["appointment"]["status"] == "CANCELLED"
    assert slot["id"] in {s["id"] for s in await actions.slots("P4")}


async def test_a_lost_reschedule_answer_is_finished_on_retry(
    actions: Actions, claim: Any, losing_gateway: tuple[str, LosingProxy]
) -> None:
    url, proxy = losing_gateway
    old, new = claim(await actions.slots("P4"), 2)
    booked = (await actions.book("P4", old["id"]))["appointment"]
    key = new_key()
    proxy.stall.add(("PATCH", f"/fhir/Appointment/{booked['provenance']['sourceId']}"))
    variables = {"input": {"appointmentId": booked["id"], "newSlotId": new["id"], "idempotencyKey": key}}

    lost = await actions.ask("P4", RESCHEDULE, variables, url)

    assert [e["code"] for e in lost["rescheduleAppointment"]["userErrors"]] == ["SOURCE_UNAVAILABLE"]
    assert [(m, status) for m, _, status in proxy.committed] == [("PATCH", 200)]  # GENESIS moved it
    proxy.stall.clear()

    retried = await actions.reschedule("P4", booked["id"], new["id"], key)

    assert retried["userErrors"] == []
    assert (retried["appointment"]["start"], retried["appointment"]["end"]) == (new["start"], new["end"])
    offered = {s["id"] for s in await actions.slots("P4")}
    assert old["id"] in offered and new["id"] not in offered


async def test_a_slot_locked_by_another_write_is_retried_within_the_deadline(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    locks = actions.stack.genesis.profile.locks

    async def hold_a_moment() -> None:
        with locks.hold(("Slot", source_id(slot["id"]))):  # GENESIS answers 423 Locked meanwhile
            await asyncio.sleep(0.3)

    booked, _ = await asyncio.gather(actions.book("P4", slot["id"]), hold_a_moment())

    assert booked["userErrors"] == []
    assert len(_on_slot(actions, slot)) == 1


async def test_a_slot_locked_for_the_whole_request_books_nothing_and_the_key_is_released(
    actions: Actions, claim: Any
) -> None:
    (slot,) = claim(await actions.slots("P4"))
    key = new_key()
    with actions.stack.genesis.profile.locks.hold(("Slot", source_id(slot["id"]))):
        failed = await actions.book("P4", slot["id"], key)

    assert failed["appointment"] is None
    assert [e["code"] for e in failed["userErrors"]] == ["SOURCE_UNAVAILABLE"]
    assert actions.slot(source_id(slot["id"]))["status"] == "free" and _on_slot(actions, slot) == []
    retried = await actions.book("P4", slot["id"], key)  # the key was released: the retry books
    assert retried["userErrors"] == [] and len(_on_slot(actions, slot)) == 1


async def test_clinicians_and_analysts_cannot_book_or_change(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    booked = await actions.book("P4", slot["id"])
    (other,) = claim(await actions.slots("P4"))
    await actions.quiet_stats()
    since = max((r["seq"] for r in await actions.recorded()), default=0)

    answers = [
        await actions.book("C1", other["id"]),
        await actions.book("A1", other["id"]),
        await actions.cancel("C1", booked["appointment"]["id"]),
        await actions.cancel("A1", booked["appointment"]["id"]),
        await actions.reschedule("C2", booked["appointment"]["id"], other["id"]),
    ]

    for payload in answers:
        assert payload["appointment"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    # Nothing is written; at most the targeted appointment is read, to audit whose it is.
    sent = await actions.recorded(since)
    assert {r["method"] for r in sent} <= {"GET"}, sent
    assert not any("Slot" in r["path"] for r in sent)
    assert actions.slot(source_id(other["id"]))["status"] == "free"
