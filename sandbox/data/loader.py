"""`load_tol`: bulk-load the generated TOL rows into an archive whose schema is migrated."""

from __future__ import annotations

from typing import Any

import asyncpg

from .model import TolData

__all__ = ["TOL_MIGRATIONS", "TOL_SCHEMA_TABLE", "load_tol"]

TOL_MIGRATIONS = "sources.tol.migrations"
TOL_SCHEMA_TABLE = "tol.schema_migrations"


async def load_tol(conn: asyncpg.Connection[Any], tol: TolData) -> None:
    """Copy every table's rows into schema `tol` in one transaction (parents first)."""
    async with conn.transaction():
        for table in tol.tables():
            if table.records:
                await conn.copy_records_to_table(
                    table.name, schema_name="tol", columns=table.columns, records=table.records
                )
