"""The race: many patients, two gateway workers, one slot; exactly one booking wins."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from gateway.app import create_app
from tests.actions.conftest import Actions, source_id
from tests.support.servers import serve

ATTEMPTS = 12


@pytest_asyncio.fixture(loop_scope="session")
async def second_gateway(actions: Actions) -> AsyncIterator[str]:
    """Another gateway worker with the same configuration (same sandboxes, same database)."""
    async with serve(create_app(actions.stack.config)) as url:
        yield f"{url}/graphql"


async def test_one_slot_many_patients_two_workers(actions: Actions, second_gateway: str, claim: Any) -> None:
    patients = actions.genesis_patients()[:ATTEMPTS]
    assert len(patients) >= 10
    (slot,) = claim(await actions.slots(patients[0]))
    urls = [actions.stack.graphql_url, second_gateway]
    before = len(actions.resources("Appointment"))

    answers = await asyncio.gather(
        *(actions.book(who, slot["id"], url=urls[i % 2]) for i, who in enumerate(patients))
    )

    outcomes = Counter(a["userErrors"][0]["code"] if a["userErrors"] else "BOOKED" for a in answers)
    assert outcomes == {"BOOKED": 1, "SLOT_UNAVAILABLE": len(patients) - 1}
    winner = next(a["appointment"] for a in answers if a["appointment"])
    on_slot = [
        a for a in actions.resources("Appointment")
        if {"reference": f"Slot/{source_id(slot['id'])}"} in (a.get("slot") or [])
    ]
    assert [a["id"] for a in on_slot] == [winner["provenance"]["sourceId"]]
    assert len(actions.resources("Appointment")) == before + 1
    assert actions.slot(source_id(slot["id"]))["status"] == "busy"
