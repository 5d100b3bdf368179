"""The audit sink: batched, ordered, bounded, retried until written; and writes' events reach the table."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg
import pytest

from gateway.audit import AuditSink, AuditState, AuditUnavailable, events_for
from gateway.store import AuditEvent, insert_audit_events, migrate_store
from resolvers.context import RequestContext
from resolvers.principal import Principal, Role
from resolvers.services import Services


def _event(n: int) -> AuditEvent:
    return AuditEvent(request_id=f"r{n}", actor="1000000001", role="patient", action="read",
                      outcome="allowed", patient="1000000001")


class Recorder:
    """A writer that records batches; it can be held, or made to fail a number of times."""

    def __init__(self, failures: int = 0) -> None:
        self.batches: list[list[str]] = []
        self.failures = failures
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, events: Sequence[AuditEvent]) -> None:
        await self.gate.wait()
        if self.failures:
            self.failures -= 1
            raise ConnectionError("store down")
        self.batches.append([e.request_id for e in events])


async def test_events_are_written_in_order_in_batches() -> None:
    writer = Recorder()
    writer.gate.clear()
    sink = AuditSink(writer, batch_size=2)
    sink.start()
    try:
        for n in range(5):
            sink.submit([_event(n)])
        writer.gate.set()
        await sink.drain()
    finally:
        await sink.close()
    assert [r for batch in writer.batches for r in batch] == ["r0", "r1", "r2", "r3", "r4"]
    assert max(len(batch) for batch in writer.batches) == 2


async def test_a_failed_write_is_retried_until_written_and_closes_the_gate_meanwhile() -> None:
    writer = Recorder(failures=3)
    writer.gate.clear()
    sink = AuditSink(writer, retry_initial=0.01, retry_max=0.02)
    sink.start()
    try:
        sink.submit([_event(1), _event(2)])
        assert sink.accepting
        writer.gate.set()
        async with asyncio.timeout(5):
            while sink.state is not AuditState.FAILING:  # noqa: ASYNC110 (the sink has no event for this)
                await asyncio.sleep(0.001)
        with pytest.raises(AuditUnavailable):
            sink.check()
        async with asyncio.timeout(5):
            await sink.drain()
        assert sink.accepting
    finally:
        await sink.close()
    assert writer.batches == [["r1", "r2"]]  # once, none dropped


async def test_a_full_sink_refuses_new_events_without_queuing_them() -> None:
    writer = Recorder()
    writer.gate.clear()
    sink = AuditSink(writer, max_pending=2)
    sink.start()
    try:
        sink.submit([_event(1), _event(2)])
        assert sink.state is AuditState.FULL and not sink.accepting
        with pytest.raises(AuditUnavailable) as refused:
            sink.submit([_event(3)])
        assert refused.value.state == "FULL" and sink.pending == 2
        writer.gate.set()
        await sink.drain()
        assert sink.accepting
    finally:
        await sink.close()
    assert [r for batch in writer.batches for r in batch] == ["r1", "r2"]


async def test_a_stopped_sink_accepts_nothing() -> None:
    sink = AuditSink(Recorder())
    assert sink.state is AuditState.STOPPED and not sink.accepting
    with pytest.raises(AuditUnavailable):
        sink.submit([_event(1)])


async def test_a_write_touch_becomes_a_create_row(fresh_db: str) -> None:
    """What a mutation records (`ctx.audit.touch(dod, action="create")`) lands as one row."""
    await migrate_store(fresh_db)
    pool = await asyncpg.create_pool(fresh_db, min_size=1, max_size=2)
    assert pool is not None

    async def write(events: Sequence[AuditEvent]) -> None:
        await insert_audit_events(pool, events)

    sink = AuditSink(write)
    sink.start()
    try:
        ctx = RequestContext(
            services=Services(sources={}),
            principal=Principal(role=Role.PATIENT, subject="1000000001", token_id="jti-1"),
            request_id="req-write-1",
            client_address="10.0.0.7",
            operation_name="Book",
            document_hash="abc",
        )
        ctx.audit.touch("1000000001", action="create", kind="appointment", source="GENESIS")
        ctx.audit.touch("1000000001", action="update", outcome="error", kind="appointment")
        sink.submit(events_for(ctx))
        await sink.drain()
        rows = await pool.fetch("SELECT * FROM audit.events WHERE request_id = 'req-write-1' ORDER BY id")
    finally:
        await sink.close()
        await pool.close()
    assert [(r["action"], r["outcome"]) for r in rows] == [("create", "allowed"), ("update", "error")]
    assert rows[0]["record_kinds"] == ["appointment"] and rows[0]["sources"] == ["GENESIS"]
    assert (rows[0]["actor"], rows[0]["token_id"], rows[0]["client_address"]) == ("1000000001", "jti-1", "10.0.0.7")


async def test_concurrent_requests_share_one_commit_and_each_waits_for_its_own() -> None:
    writer = Recorder()
    writer.gate.clear()  # the first write is slow: everything that arrives meanwhile is grouped
    sink = AuditSink(writer, commit_timeout=5.0)
    sink.start()
    try:
        first = asyncio.create_task(sink.commit([_event(0)]))
        await asyncio.sleep(0.01)
        rest = [asyncio.create_task(sink.commit([_event(n)])) for n in range(1, 41)]
        await asyncio.sleep(0.01)
        assert not first.done() and not any(t.done() for t in rest)  # nobody answered before its row
        writer.gate.set()
        await asyncio.gather(first, *rest)
    finally:
        await sink.close()
    assert writer.batches[0] == ["r0"] and len(writer.batches) == 2  # 40 requests, one insert
    assert sorted(writer.batches[1]) == sorted(f"r{n}" for n in range(1, 41))


async def test_a_commit_that_takes_too_long_is_refused_and_still_written_later() -> None:
    writer = Recorder()
    writer.gate.clear()
    sink = AuditSink(writer, commit_timeout=0.05)
    sink.start()
    try:
        with pytest.raises(AuditUnavailable):
            await sink.commit([_event(7)])
        writer.gate.set()
        await sink.drain()
    finally:
        await sink.close()
    assert writer.batches == [["r7"]]
