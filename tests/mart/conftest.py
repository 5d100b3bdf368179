"""Mart fixtures: the demo's mart once built, a gateway that shows every count, the plain truth."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from gateway.app import create_app
from gateway.config import MartConfig
from tests.mart.truth import Truth
from tests.support.analysts import analyst_token, wait_for_mart
from tests.support.gql import gql
from tests.support.servers import serve

COHORT = """query($criteria: CohortCriteria!, $by: [CohortDimension!]) { cohort(criteria: $criteria, by: $by) {
    threshold total { count suppressed } by
    cells { facility { id name } service ageBand sex count suppressed }
    freshness { builtSecondsAgo sources { source dataSecondsAgo } } } }"""


class Gateway:
    """Ask cohort questions of one gateway as the demo's analyst project."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token

    async def cohort(self, criteria: dict[str, Any], by: list[str] | None = None) -> Any:
        status, body = await gql(self.url, COHORT, {"criteria": criteria, "by": by or []}, token=self.token)
        assert status == 200 and "errors" not in body, body
        return body["data"]["cohort"]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def truth(demo_stack: Any) -> Truth:
    await wait_for_mart(demo_stack)
    return Truth(demo_stack.data)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def demo_gateway(demo_stack: Any) -> Gateway:
    await wait_for_mart(demo_stack)
    return Gateway(demo_stack.info()["graphql_url"], analyst_token(demo_stack))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def every_count(demo_stack: Any) -> AsyncIterator[Gateway]:
    """A gateway over the demo's mart with the threshold at 1: every count shows."""
    await wait_for_mart(demo_stack)
    config = dataclasses.replace(demo_stack.config, mart=MartConfig(directory=demo_stack.mart_dir, threshold=1))
    async with serve(create_app(config)) as url:
        yield Gateway(f"{url}/graphql", analyst_token(demo_stack))
