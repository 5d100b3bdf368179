"""A write refused to a clinician or analyst is audited as denied, with no patient named."""

from __future__ import annotations

import asyncio

import asyncpg

from tests.actions.conftest import Actions, new_key

QUERY = """SELECT role, patient, outcome, record_kinds FROM audit.events
           WHERE role IN ('clinician', 'analyst') AND action = 'create' AND outcome = 'denied'"""


async def test_clinician_and_analyst_write_attempts_are_audited_as_denied(actions: Actions) -> None:
    (slot,) = (await actions.slots("P1"))[:1]
    for persona in ("C1", "A1"):
        refused = await actions.book(persona, slot["id"], new_key())
        assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    conn = await asyncpg.connect(actions.stack.info()["gateway_dsn"])
    try:
        seen: set[tuple[str, str | None]] = set()
        for _ in range(50):  # the audit sink writes in batches off the request path
            rows = await conn.fetch(QUERY)
            seen = {(r["role"], r["patient"]) for r in rows if "appointment" in r["record_kinds"]}
            if {("clinician", None), ("analyst", None)} <= seen:
                break
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    assert ("clinician", None) in seen
    assert ("analyst", None) in seen
