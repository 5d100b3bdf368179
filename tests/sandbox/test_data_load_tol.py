"""`load_tol` fills a migrated archive with exactly the generated rows."""

from __future__ import annotations

import datetime as dt

import asyncpg

from gateway.store.migrations_runner import apply_migrations
from sandbox.data import TOL_MIGRATIONS, TOL_SCHEMA_TABLE, generate, load_tol

TODAY = dt.date(2026, 11, 27)


async def test_load_tol_counts_match(fresh_db: str) -> None:
    data = generate(extra_patients=40, today=TODAY)
    conn = await asyncpg.connect(fresh_db)
    try:
        await apply_migrations(conn, TOL_MIGRATIONS, schema_table=TOL_SCHEMA_TABLE)
        await load_tol(conn, data.tol)
        counts = {
            table.name: await conn.fetchval(f"SELECT count(*) FROM tol.{table.name}") for table in data.tol.tables()
        }
        p1 = await conn.fetch(
            "SELECT t.subject, t.folder FROM tol.message_threads t"
            " JOIN tol.accounts a USING (account_id) WHERE a.dod_id = $1"
            " ORDER BY t.last_message_at DESC, t.thread_id DESC",
            "1000000001",
        )
        flags = await conn.fetch(
            "SELECT abnormal_flag, value_numeric FROM tol.lab_results l"
            " JOIN tol.accounts a USING (account_id) WHERE a.dod_id = $1 AND NOT entered_in_error",
            "1000000001",
        )
    finally:
        await conn.close()
    assert counts == {table.name: len(table.records) for table in data.tol.tables()}
    assert counts["accounts"] > 2
    assert len(p1) >= 3 and {r["folder"] for r in p1} == {"ARCHIVE"}
    assert len(flags) >= 2 and any(r["abnormal_flag"] == "H" for r in flags)


async def test_load_tol_refuses_to_half_load(fresh_db: str) -> None:
    data = generate(today=TODAY)
    conn = await asyncpg.connect(fresh_db)
    try:
        await apply_migrations(conn, TOL_MIGRATIONS, schema_table=TOL_SCHEMA_TABLE)
        await load_tol(conn, data.tol)
        try:
            await load_tol(conn, data.tol)  # same primary keys again
        except asyncpg.UniqueViolationError:
            pass
        else:
            raise AssertionError("loading twice must fail")
        accounts = await conn.fetchval("SELECT count(*) FROM tol.accounts")
    finally:
        await conn.close()
    assert accounts == len(data.tol.accounts)
