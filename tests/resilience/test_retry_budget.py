"""Retries do not amplify an outage: against a source that is down each query makes at most two
attempts (one retry while the source is failing) until the breaker opens, then none."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest_asyncio

from gateway.app import create_app
from tests.support.gql import gql
from tests.support.recovery import sources_recovered
from tests.support.servers import serve

LABS = "{ me { sourceCoverage { source state } labResults(first: 5) { edges { node { id } } } } }"


class Sandbox:
    def __init__(self, admin: str, http: aiohttp.ClientSession) -> None:
        self.admin = admin.rstrip("/")
        self.http = http

    async def fault(self, **fault: Any) -> None:
        async with self.http.put(f"{self.admin}/faults", json=fault) as response:
            assert response.status < 300

    async def clear(self) -> None:
        async with self.http.delete(f"{self.admin}/faults") as response:
            assert response.status < 300

    async def requests(self) -> int:
        """Requests recorded since the last call (then forgotten)."""
        async with self.http.get(f"{self.admin}/requests") as response:
            count = len((await response.json())["requests"])
        async with self.http.delete(f"{self.admin}/requests") as response:
            assert response.status == 200
        return count


@pytest_asyncio.fixture(loop_scope="session")
async def genesis(demo_stack: Any) -> AsyncIterator[Sandbox]:
    async with aiohttp.ClientSession() as http:
        sandbox = Sandbox(demo_stack.info()["admin"]["genesis"], http)
        try:
            yield sandbox
        finally:
            await sandbox.clear()
            assert await sources_recovered(demo_stack)


async def test_a_down_source_gets_at_most_two_attempts_per_query_until_the_breaker_opens(
    demo_stack: Any, genesis: Sandbox
) -> None:
    token = demo_stack.info()["tokens"]["P1"]
    async with serve(create_app(dataclasses.replace(demo_stack.config, port=0))) as base:  # breakers of its own
        url = f"{base}/graphql"
        assert (await gql(url, LABS, token=token))[0] == 200  # signed in to GENESIS: its token is cached
        await genesis.requests()
        await genesis.fault(down=True)
        attempts = []
        for _ in range(7):
            status, body = await gql(url, LABS, token=token)
            assert status == 200
            coverage = {c["source"]: c["state"] for c in body["data"]["me"]["sourceCoverage"]}
            assert coverage["GENESIS"] == "UNAVAILABLE" and coverage["TOL_ARCHIVE"] == "OK"
            attempts.append(await genesis.requests())
    assert max(attempts) <= 2, attempts
    opened = attempts.index(0)
    assert opened <= 5 and set(attempts[opened:]) == {0}, attempts  # the breaker opened and stays open
