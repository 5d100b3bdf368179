"""Fixtures for the store's tests: a freshly migrated gateway database and a pool on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest_asyncio

from gateway.store import migrate_store
from tests.support.databases import fresh_database, pool_on


@pytest_asyncio.fixture(loop_scope="session")
async def store_pool(pg_admin_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a new database that holds the store's schema (one per test: tests may write)."""
    async with fresh_database(pg_admin_dsn, prepare=migrate_store) as dsn, pool_on(dsn) as pool:
        yield pool


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def library_pool(pg_admin_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A migrated database shared by a module's read-only tests (the seeded health library)."""
    async with fresh_database(pg_admin_dsn, "test_store", prepare=migrate_store) as dsn, pool_on(dsn) as pool:
        yield pool
