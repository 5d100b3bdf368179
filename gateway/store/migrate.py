"""Bring the gateway's own database up to date (idempotent; safe from several workers at once)."""

from __future__ import annotations

import asyncpg

from ._db import store_errors
from .migrations_runner import apply_migrations

__all__ = ["STORE_MIGRATIONS", "STORE_SCHEMA_TABLE", "migrate_store"]

STORE_MIGRATIONS = "gateway.store.migrations"
STORE_SCHEMA_TABLE = "gateway.schema_migrations"


async def migrate_store(dsn_or_conn: str | asyncpg.Connection[asyncpg.Record]) -> list[str]:
    """Apply the store's pending migrations; return the labels applied by this call.

    The runner serialises concurrent callers (several workers starting at once) with an
    advisory lock; a migration that fails raises `gateway.store.migrations_runner.MigrationFailed`.
    """
    if not isinstance(dsn_or_conn, str):
        return await apply_migrations(
            dsn_or_conn, STORE_MIGRATIONS, schema_table=STORE_SCHEMA_TABLE
        )
    with store_errors("migrate connect"):
        conn: asyncpg.Connection[asyncpg.Record] = await asyncpg.connect(dsn_or_conn)
    try:
        return await apply_migrations(conn, STORE_MIGRATIONS, schema_table=STORE_SCHEMA_TABLE)
    finally:
        await conn.close()
