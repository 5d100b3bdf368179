"""Writing audit events: what goes in comes back, in one atomic batch."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from gateway.store import AuditEvent, StoreUnavailable, insert_audit_events


def _event(**changes: object) -> AuditEvent:
    fields: dict[str, object] = {
        "request_id": "req-1",
        "actor": "prac-7",
        "role": "clinician",
        "action": "read",
        "outcome": "allowed",
        "patient": "1000000003",
        "record_kinds": ("lab_result", "appointment"),
        "sources": ("GENESIS", "TOL_ARCHIVE"),
        "operation_name": "PatientLabs",
        "document_hash": "ab" * 32,
        "purpose": "emergency department visit",
        "client_address": "10.1.2.3",
        "token_id": "jti-123",
    }
    fields.update(changes)
    return AuditEvent(**fields)  # type: ignore[arg-type]


async def test_events_are_stored_with_every_field(store_pool: asyncpg.Pool) -> None:
    when = dt.datetime(2025, 5, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    await insert_audit_events(
        store_pool,
        [
            _event(),
            _event(
                request_id="req-2",
                patient=None,
                outcome="denied",
                recorded_at=when,
                record_kinds=(),
                sources=(),
            ),
        ],
    )
    rows = await store_pool.fetch("SELECT * FROM audit.events ORDER BY id")
    assert [r["request_id"] for r in rows] == ["req-1", "req-2"]
    first, second = rows
    assert first["record_kinds"] == ["lab_result", "appointment"]
    assert first["sources"] == ["GENESIS", "TOL_ARCHIVE"]
    assert first["purpose"] == "emergency department visit"
    assert first["token_id"] == "jti-123"
    assert first["recorded_at"].tzinfo is not None
    assert second["patient"] is None and second["outcome"] == "denied"
    assert second["recorded_at"] == when


async def test_a_batch_with_a_bad_row_writes_nothing(store_pool: asyncpg.Pool) -> None:
    # request_id is NOT NULL: the second row fails, and the first must not stay behind.
    bad = _event(request_id=None)
    with pytest.raises(StoreUnavailable) as caught:
        await insert_audit_events(store_pool, [_event(), bad])
    assert "1000000003" not in str(caught.value)
    assert await store_pool.fetchval("SELECT count(*) FROM audit.events") == 0


def test_unknown_action_or_outcome_is_refused_before_writing() -> None:
    with pytest.raises(ValueError, match="action"):
        _event(action="delete")
    with pytest.raises(ValueError, match="outcome"):
        _event(outcome="maybe")


async def test_a_closed_pool_raises_store_unavailable(fresh_db: str) -> None:
    pool = await asyncpg.create_pool(fresh_db, min_size=1, max_size=1)
    await pool.close()
    with pytest.raises(StoreUnavailable, match="audit insert"):
        await insert_audit_events(pool, [_event()])
