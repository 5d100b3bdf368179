"""The one way tests get a database: a fresh, uniquely named one on the suite's server, dropped after."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg

from gateway.demo.databases import create_database, drop_database, unique_database_name
from gateway.demo.servers import ExternalPostgres
from gateway.store.migrations_runner import apply_migrations

__all__ = ["fresh_database", "migrate_tol", "pool_on"]

Prepare = Callable[[str], Awaitable[object]]  # given the new database's DSN


@contextlib.asynccontextmanager
async def fresh_database(admin_dsn: str, prefix: str = "test", prepare: Prepare | None = None) -> AsyncIterator[str]:
    """The DSN of a new database (migrated or loaded by `prepare`), dropped (FORCE) afterwards."""
    name = unique_database_name(prefix)
    await create_database(admin_dsn, name)
    dsn = ExternalPostgres(admin_dsn).dsn(name)
    try:
        if prepare is not None:
            await prepare(dsn)
        yield dsn
    finally:
        await drop_database(admin_dsn, name)


@contextlib.asynccontextmanager
async def pool_on(dsn: str, max_size: int = 2) -> AsyncIterator[asyncpg.Pool]:
    """A small pool on `dsn`, closed afterwards."""
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=max_size)
    try:
        yield pool
    finally:
        await pool.close()


async def migrate_tol(dsn: str) -> None:
    """Give the database at `dsn` the TOL archive's schema (its versioned migrations)."""
    conn = await asyncpg.connect(dsn)
    try:
        await apply_migrations(conn, "sources.tol.migrations", schema_table="tol.schema_migrations")
    finally:
        await conn.close()
