"""The store's migrations: idempotent, and the audit trail refuses every change but INSERT."""

from __future__ import annotations

import asyncpg
import pytest

from gateway.store import AuditEvent, insert_audit_events, migrate_store


async def test_migrating_twice_applies_nothing_the_second_time(fresh_db: str) -> None:
    first = await migrate_store(fresh_db)
    second = await migrate_store(fresh_db)
    assert first[0].startswith("0001_") and len(first) >= 4
    assert second == []


async def test_migrate_accepts_an_open_connection(fresh_db: str) -> None:
    conn = await asyncpg.connect(fresh_db)
    try:
        applied = await migrate_store(conn)
        tables = await conn.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema || '.' || "
            "table_name = ANY($1)",
            ["audit.events", "gateway.idempotency_keys", "library.health_topics"],
        )
    finally:
        await conn.close()
    assert applied and tables == 3


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit.events SET outcome = 'denied'",
        "DELETE FROM audit.events",
        "TRUNCATE audit.events",
    ],
)
async def test_audit_rows_cannot_be_changed_or_removed(
    store_pool: asyncpg.Pool, statement: str
) -> None:
    event = AuditEvent(
        request_id="r1",
        actor="1000000001",
        role="patient",
        action="read",
        outcome="allowed",
        patient="1000000001",
    )
    await insert_audit_events(store_pool, [event])
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="insert-only"):
        await store_pool.execute(statement)
    assert (
        await store_pool.fetchval("SELECT count(*) FROM audit.events WHERE outcome = 'allowed'")
        == 1
    )


async def test_the_app_role_may_insert_and_read_audit_rows_only(store_pool: asyncpg.Pool) -> None:
    privileges = await store_pool.fetch(
        "SELECT privilege_type FROM information_schema.role_table_grants "
        "WHERE grantee = 'mhs_gateway_app' AND table_schema = 'audit' AND table_name = 'events'"
    )
    assert sorted(r["privilege_type"] for r in privileges) == ["INSERT", "SELECT"]
