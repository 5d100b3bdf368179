"""Booking: a listed slot becomes the patient's appointment at once, and is offered no more."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from tests.actions.conftest import Actions, source_id


async def test_book_a_listed_slot(actions: Actions, claim: Any) -> None:
    primary = await actions.slots("P4", "PRIMARY_CARE")
    dental = await actions.slots("P4", "DENTAL")
    assert primary and dental
    assert {s["service"] for s in primary} == {"PRIMARY_CARE"} and {s["service"] for s in dental} == {"DENTAL"}
    (slot,) = claim(dental)
    raw = actions.slot(source_id(slot["id"]))

    payload = await actions.book("P4", slot["id"], reason="Tooth ache")

    assert payload["userErrors"] == []
    booked = payload["appointment"]
    assert booked["status"] == "BOOKED" and booked["service"] == "DENTAL" and booked["canCancel"] is True
    assert (booked["start"], booked["end"]) == (slot["start"], slot["end"])
    listed = {a["id"]: a for a in await actions.appointments("P4")}
    assert booked["id"] in listed
    mine = listed[booked["id"]]
    # the slot's own instants, offset and all, as GENESIS holds them
    assert (mine["start"], mine["end"]) == (raw["start"], raw["end"])
    assert mine["description"] == "Tooth ache"
    assert slot["id"] not in {s["id"] for s in await actions.slots("P4", "DENTAL")}


async def test_a_taken_slot_is_refused(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    first = await actions.book("P4", slot["id"])
    assert first["userErrors"] == []
    before = len(actions.resources("Appointment"))

    again = await actions.book("P4", slot["id"])

    assert again["appointment"] is None
    assert [(e["code"], e["field"]) for e in again["userErrors"]] == [("SLOT_UNAVAILABLE", ["input", "slotId"])]
    assert len(actions.resources("Appointment")) == before


async def test_writes_are_audited(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    booked = await actions.book("P4", slot["id"])
    refused = await actions.book("P4", slot["id"])
    cancelled = await actions.cancel("P4", booked["appointment"]["id"])
    assert refused["userErrors"] and not cancelled["userErrors"]

    conn = await asyncpg.connect(actions.stack.info()["gateway_dsn"])
    try:
        for _ in range(50):  # the audit sink writes in batches, just after the answers went out
            rows = await conn.fetch(
                "SELECT action, outcome, record_kinds, sources, operation_name FROM audit.events"
                " WHERE patient = $1 AND action <> 'read' ORDER BY id DESC LIMIT 3",
                "1000000004",
            )
            if rows and rows[0]["operation_name"] == "Cancel":
                break
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    seen = [(r["operation_name"], r["action"], r["outcome"]) for r in reversed(rows)]
    assert seen == [("Book", "create", "allowed"), ("Book", "create", "denied"), ("Cancel", "update", "allowed")]
    assert all(list(r["record_kinds"]) == ["appointment"] and list(r["sources"]) == ["GENESIS"] for r in rows)


async def test_an_over_long_reason_is_refused_and_nothing_is_booked(actions: Actions, claim: Any) -> None:
    (slot,) = claim(await actions.slots("P4"))
    refused = await actions.book("P4", slot["id"], reason="x" * 501)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("REASON_TOO_LONG", ["input", "reason"])]
    assert refused["appointment"] is None
    assert slot["id"] in {s["id"] for s in await actions.slots("P4")}  # still free
