"""run_idempotent against a real key table: another worker's key in flight, then finished."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest_asyncio

from gateway.store import IdempotencyStore, migrate_store
from resolvers import Principal, RequestContext, Role, Services
from resolvers.actions import ActionResult, run_idempotent
from resolvers.actions.idempotency import input_hash, principal_key
from sources.errors import SourceUnavailable
from sources.genesis import GENESIS

INPUTS = {"slotId": "U2xvdDpHRU5FU0lTOng", "reason": None}


@pytest_asyncio.fixture(loop_scope="session")
async def store(fresh_db: str) -> AsyncIterator[IdempotencyStore]:
    await migrate_store(fresh_db)
    pool = await asyncpg.create_pool(fresh_db, min_size=1, max_size=2)
    try:
        yield IdempotencyStore(pool)
    finally:
        await pool.close()


def _context(store: IdempotencyStore, seconds: float) -> RequestContext:
    deadline = asyncio.get_running_loop().time() + seconds
    services = Services(sources={}, idempotency=store)
    return RequestContext(services, Principal(Role.PATIENT, "1000000004"), "req-1", deadline=deadline)


async def test_a_key_held_elsewhere_is_waited_for_then_replayed(store: IdempotencyStore) -> None:
    ctx = _context(store, 1.0)
    who, digest = principal_key(ctx), input_hash("bookAppointment", INPUTS)
    await store.begin(who, "k1", "bookAppointment", digest)  # another worker is running it
    calls: list[int] = []

    async def action() -> ActionResult:
        calls.append(1)
        return ActionResult.ok(appointment=None)

    still_running = await run_idempotent(ctx, "bookAppointment", "k1", INPUTS, action)
    assert still_running.codes == ("IDEMPOTENCY_IN_PROGRESS",)

    async def finish_soon() -> None:
        await asyncio.sleep(0.2)
        await store.finish(who, "k1", ActionResult.refused("SLOT_UNAVAILABLE", "taken", ("input", "slotId")).to_json())

    finishing = asyncio.create_task(finish_soon())
    replayed = await run_idempotent(_context(store, 2.0), "bookAppointment", "k1", INPUTS, action)
    await finishing

    assert replayed.codes == ("SLOT_UNAVAILABLE",) and replayed.user_errors[0].field == ("input", "slotId")
    assert calls == []  # neither call ran the action: the other worker did


async def test_a_failed_action_releases_its_key(store: IdempotencyStore) -> None:
    attempts: list[Any] = []

    async def flaky() -> ActionResult:
        attempts.append(1)
        if len(attempts) == 1:
            raise SourceUnavailable(GENESIS, "HTTP 500")
        return ActionResult.ok(appointment={"id": "a-1"})

    first = await run_idempotent(_context(store, 2.0), "bookAppointment", "k2", INPUTS, flaky)
    second = await run_idempotent(_context(store, 2.0), "bookAppointment", "k2", INPUTS, flaky)
    third = await run_idempotent(_context(store, 2.0), "bookAppointment", "k2", INPUTS, flaky)

    assert first.codes == ("SOURCE_UNAVAILABLE",)
    assert second == third == ActionResult.ok(appointment={"id": "a-1"})
    assert len(attempts) == 2
