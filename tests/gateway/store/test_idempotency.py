"""Idempotency keys: the first call runs, a retry replays, other input under the key conflicts."""

from __future__ import annotations

import asyncpg
import pytest

from gateway.store import IdempotencyStore, KeyNotPending
from resolvers.ports import Begun, Conflict, InFlight, Replay

OP = "requestPrescriptionRenewal"


async def test_first_call_begins_and_a_retry_replays_the_result(store_pool: asyncpg.Pool) -> None:
    keys = IdempotencyStore(store_pool)
    assert await keys.begin("1000000001", "k-1", OP, "hash-a") == Begun()
    assert await keys.begin("1000000001", "k-1", OP, "hash-a") == InFlight()
    await keys.finish("1000000001", "k-1", {"renewalRequest": {"id": "task-9"}, "userErrors": []})
    assert await keys.begin("1000000001", "k-1", OP, "hash-a") == Replay(
        result={"renewalRequest": {"id": "task-9"}, "userErrors": []}
    )


async def test_the_same_key_with_other_input_conflicts(store_pool: asyncpg.Pool) -> None:
    keys = IdempotencyStore(store_pool)
    await keys.begin("1000000001", "k-1", OP, "hash-a")
    await keys.finish("1000000001", "k-1", {"ok": True})
    assert await keys.begin("1000000001", "k-1", OP, "hash-b") == Conflict(operation=OP)
    assert await keys.begin("1000000001", "k-1", "cancelAppointment", "hash-a") == Conflict(
        operation=OP
    )


async def test_keys_belong_to_one_principal(store_pool: asyncpg.Pool) -> None:
    keys = IdempotencyStore(store_pool)
    await keys.begin("1000000001", "shared", OP, "hash-a")
    await keys.finish("1000000001", "shared", {"ok": True})
    assert await keys.begin("1000000002", "shared", OP, "hash-a") == Begun()


async def test_an_abandoned_key_can_be_begun_again(store_pool: asyncpg.Pool) -> None:
    keys = IdempotencyStore(store_pool)
    await keys.begin("1000000001", "k-2", OP, "hash-a")
    await keys.abandon("1000000001", "k-2")
    assert await keys.begin("1000000001", "k-2", OP, "hash-a") == Begun()


async def test_a_stale_pending_key_is_taken_over(store_pool: asyncpg.Pool) -> None:
    keys = IdempotencyStore(store_pool, stale_after=60)
    await keys.begin("1000000001", "k-3", OP, "hash-a")
    await store_pool.execute(
        "UPDATE gateway.idempotency_keys SET updated_at = now() - interval '2 minutes'"
    )
    assert await keys.begin("1000000001", "k-3", OP, "hash-a") == Begun()


async def test_finishing_a_key_that_was_never_begun_is_an_error(store_pool: asyncpg.Pool) -> None:
    keys = IdempotencyStore(store_pool)
    with pytest.raises(KeyNotPending):
        await keys.finish("1000000001", "nope", {"ok": True})
