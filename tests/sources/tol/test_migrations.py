"""The TOL archive schema: applies cleanly and idempotently, with the tables and indexes needed."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from gateway.store.migrations_runner import apply_migrations

TOL = "sources.tol.migrations"
TABLES = {
    "accounts",
    "facilities",
    "message_threads",
    "messages",
    "appointments",
    "prescriptions",
    "lab_results",
}


async def test_applies_twice_and_creates_the_archive(fresh_db: str) -> None:
    conn = await asyncpg.connect(fresh_db)
    try:
        first = await apply_migrations(conn, TOL, schema_table="tol.schema_migrations")
        second = await apply_migrations(conn, TOL, schema_table="tol.schema_migrations")
        tables = {r["tablename"] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'tol'")}
        indexes = {
            r["indexname"]: r["indexdef"]
            for r in await conn.fetch("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'tol'")
        }
    finally:
        await conn.close()
    assert first and first[0] == "0001_archive"
    assert second == []
    assert tables >= TABLES | {"schema_migrations"}
    assert "(account_id, collected_at DESC, result_id DESC)" in indexes["lab_results_account_recent"]
    assert "(account_id, starts_at DESC, appointment_id DESC)" in indexes["appointments_account_recent"]
    assert "(account_id, written_on DESC, rx_id DESC)" in indexes["prescriptions_account_recent"]
    assert "(account_id, last_message_at DESC, thread_id DESC)" in indexes["message_threads_account_recent"]
    assert "(thread_id, sent_at DESC, message_id DESC)" in indexes["messages_thread_recent"]


async def test_dod_id_must_be_ten_digits_and_unique(fresh_db: str) -> None:
    conn = await asyncpg.connect(fresh_db)
    try:
        await apply_migrations(conn, TOL, schema_table="tol.schema_migrations")
        insert = (
            "INSERT INTO tol.accounts (account_id, dod_id, given_name, family_name, birth_date)"
            " VALUES ($1, $2, 'Test', 'Person', $3)"
        )
        born = dt.date(1990, 1, 1)
        await conn.execute(insert, "tolacct-1", "1234567890", born)
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(insert, "tolacct-2", "12345678AB", born)
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute(insert, "tolacct-3", "1234567890", born)
    finally:
        await conn.close()


async def test_legacy_statuses_are_enforced(fresh_db: str) -> None:
    conn = await asyncpg.connect(fresh_db)
    try:
        await apply_migrations(conn, TOL, schema_table="tol.schema_migrations")
        await conn.execute(
            "INSERT INTO tol.accounts (account_id, dod_id, given_name, family_name)"
            " VALUES ('tolacct-1', '1234567890', 'Test', 'Person')"
        )
        insert = (
            "INSERT INTO tol.appointments (appointment_id, account_id, starts_at, status, clinic)"
            " VALUES ($1, 'tolacct-1', now(), $2, 'DENTAL')"
        )
        await conn.execute(insert, "tolappt-1", "KEPT")
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(insert, "tolappt-2", "fulfilled")
    finally:
        await conn.close()
