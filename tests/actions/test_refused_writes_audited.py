"""A refused write is audited as denied: on no patient when it targets none, else on the patient
whose record it targeted (another patient's included), and nothing is written."""

from __future__ import annotations

from typing import Any

import asyncpg

from tests.actions.conftest import Actions, new_key

QUERY = """SELECT role, actor, patient, outcome, action, record_kinds FROM audit.events
           WHERE outcome = 'denied' AND record_kinds @> ARRAY['appointment'] AND actor = $1"""


async def _denied(actions: Actions, actor: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(actions.stack.info()["gateway_dsn"])
    try:
        return [dict(r) for r in await conn.fetch(QUERY, actor)]
    finally:
        await conn.close()


async def test_clinician_and_analyst_write_attempts_are_audited_as_denied(actions: Actions) -> None:
    (slot,) = (await actions.slots("P1"))[:1]
    for persona in ("C1", "A1"):
        refused = await actions.book(persona, slot["id"], new_key())
        assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
        subject = actions.stack.personas[persona].subject
        rows = await _denied(actions, subject)  # committed before the answer was sent
        assert any(r["action"] == "create" and r["patient"] is None for r in rows), rows


async def test_a_refused_write_names_the_patient_whose_record_it_targeted(actions: Actions) -> None:
    upcoming = [a for a in await actions.appointments("P1") if a["canCancel"]]
    assert upcoming
    target = upcoming[0]
    clinician = await actions.cancel("C1", target["id"])
    assert [e["code"] for e in clinician["userErrors"]] == ["FORBIDDEN"]
    other_patient = await actions.cancel("P4", target["id"])
    assert [e["code"] for e in other_patient["userErrors"]] == ["NOT_FOUND"]
    assert [a["status"] for a in await actions.appointments("P1") if a["id"] == target["id"]] == ["BOOKED"]
    for persona in ("C1", "P4"):
        rows = await _denied(actions, actions.stack.personas[persona].subject)
        assert any(r["action"] == "update" and r["patient"] == "1000000001" for r in rows), (persona, rows)
