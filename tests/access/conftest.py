"""Helpers for access, audit and limit tests: persona requests, sandbox stats, audit rows."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import asyncpg
import pytest_asyncio

from tests.support.gql import gql

Ask = Callable[..., Awaitable[tuple[int, Any]]]


def code(body: Any) -> str | None:
    """The first error's `extensions.code`, if any."""
    errors = body.get("errors") if isinstance(body, dict) else None
    return errors[0]["extensions"]["code"] if errors else None


def new_request_id() -> str:
    return "t-" + uuid.uuid4().hex[:20]


@pytest_asyncio.fixture(loop_scope="session")
async def ask(demo_stack: Any) -> Ask:
    """ask(persona, query, variables=None, headers=None) -> (status, body)."""
    tokens = demo_stack.info()["tokens"]

    async def call(persona: str, query: str, variables: Any = None, headers: Any = None) -> tuple[int, Any]:
        return await gql(demo_stack, query, variables, token=tokens[persona], headers=headers)

    return call


class Upstreams:
    """The sandboxes' admin surfaces: zero their request counters, read them back."""

    def __init__(self, admin: Mapping[str, str]) -> None:
        self._admin = {name: url.rstrip("/") for name, url in admin.items()}

    async def reset(self) -> None:
        async with aiohttp.ClientSession() as http:
            for url in self._admin.values():
                async with http.post(f"{url}/stats/reset") as response:
                    assert response.status in (200, 204)

    async def requests(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        async with aiohttp.ClientSession() as http:
            for name, url in self._admin.items():
                async with http.get(f"{url}/stats") as response:
                    counts[name] = int((await response.json())["requests"])
        return counts


@pytest_asyncio.fixture(loop_scope="session")
async def upstreams(demo_stack: Any) -> Upstreams:
    return Upstreams(demo_stack.info()["admin"])


class AuditLog:
    """Reads `audit.events` in a gateway database, waiting for the batched writer to catch up."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    async def rows(self, request_id: str, *, expect: int = 1, within: float = 10.0) -> list[dict[str, Any]]:
        """The rows of the request that sent `X-Request-Id: request_id` (tests send unique ones),
        once at least `expect` are there (or after `within` seconds)."""
        conn = await asyncpg.connect(self.dsn)
        try:
            loop = asyncio.get_running_loop()
            until = loop.time() + within
            while True:
                found = await conn.fetch(
                    "SELECT * FROM audit.events WHERE client_request_id = $1 ORDER BY id", request_id
                )
                if len(found) >= expect or loop.time() > until:
                    return [dict(row) for row in found]
                await asyncio.sleep(0.05)
        finally:
            await conn.close()

    async def none_for(self, request_id: str, *, settle: Callable[[], Awaitable[Any]]) -> bool:
        """Whether the request left no row, after `settle` (a later, audited request) is written:
        the writer keeps order, so once the later row is there an earlier one would be too."""
        marker = await settle()
        await self.rows(marker)
        return not await self.rows(request_id, expect=0, within=0)


@pytest_asyncio.fixture(loop_scope="session")
async def audit_log(demo_stack: Any) -> AuditLog:
    return AuditLog(demo_stack.info()["gateway_dsn"])


@pytest_asyncio.fixture(loop_scope="session")
async def own_gateway(demo_stack: Any, fresh_db: str) -> AsyncIterator[str]:
    """A second gateway on the demo's sources and issuer, with its own (fresh) database."""
    from gateway.app import create_app
    from tests.support.servers import serve

    config = dataclasses.replace(demo_stack.config, database_url=fresh_db, port=0)
    async with serve(create_app(config)) as url:
        yield url


async def run_sql(dsn: str, statement: str) -> None:
    """One statement on its own connection (to break or mend a gateway's database)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()
