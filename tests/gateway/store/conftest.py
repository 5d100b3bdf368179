"""Fixtures for the store's tests: a freshly migrated gateway database and a pool on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest_asyncio

from gateway.demo.databases import create_database, drop_database, unique_database_name
from gateway.demo.servers import ExternalPostgres
from gateway.store import migrate_store


@pytest_asyncio.fixture(loop_scope="session")
async def store_pool(fresh_db: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a new database that holds the store's schema (one per test: tests may write)."""
    await migrate_store(fresh_db)
    pool = await asyncpg.create_pool(fresh_db, min_size=1, max_size=2)
    try:
        yield pool
    finally:
        await pool.close()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def library_pool(pg_admin_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A migrated database shared by a module's read-only tests (the seeded health library)."""
    name = unique_database_name("test_store")
    await create_database(pg_admin_dsn, name)
    dsn = ExternalPostgres(pg_admin_dsn).dsn(name)
    try:
        await migrate_store(dsn)
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
        try:
            yield pool
        finally:
            await pool.close()
    finally:
        await drop_database(pg_admin_dsn, name)
