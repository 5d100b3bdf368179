"""Fixtures shared by the whole suite: a PostgreSQL server, fresh databases, the demo stack."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest_asyncio

from gateway.demo.postgres import EmbeddedPostgres
from tests.support.databases import fresh_database
from tests.support.limits import GENEROUS_LIMITS
from tests.support.postgres import local_admin_dsn

if TYPE_CHECKING:
    from gateway.demo.stack import DemoStack


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pg_admin_dsn() -> AsyncIterator[str]:
    """A superuser DSN: DATABASE_URL, else local 127.0.0.1:5432, else an embedded server."""
    dsn = await local_admin_dsn(dict(os.environ))
    if dsn is not None:
        yield dsn
        return
    async with EmbeddedPostgres() as embedded:
        yield embedded.dsn("postgres")


@pytest_asyncio.fixture(loop_scope="session")
async def fresh_db(pg_admin_dsn: str) -> AsyncIterator[str]:
    """The DSN of a new, empty, uniquely named database, dropped (FORCE) after the test."""
    async with fresh_database(pg_admin_dsn) as dsn:
        yield dsn


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def demo_stack(pg_admin_dsn: str) -> AsyncIterator[DemoStack]:
    """The whole demo on free ports with fresh databases, default seed, dated today."""
    from gateway.demo.stack import DemoStack

    stack = DemoStack(
        port=0,
        database_url=pg_admin_dsn,
        fresh_databases=True,
        extra_patients=12,  # patients 2000000000+ for the batching tests
        today=dt.date.today(),
        gateway_env=GENEROUS_LIMITS,
        mart_refresh=3600,  # built once at start; the tests that export run their own jobs
    )
    async with stack:
        yield stack
