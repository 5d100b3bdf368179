"""The gateway's own store failing (the health library) is SERVICE_UNAVAILABLE on what it serves, not a 500."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest_asyncio

from gateway.app import create_app
from tests.support.gql import gql
from tests.support.servers import serve

TOPICS = """query Topics { me { dodId prescriptions(first: 3) { edges { node { display
    healthTopics { title } } } } } }"""


@pytest_asyncio.fixture(loop_scope="session")
async def own_gateway(demo_stack: Any, fresh_db: str) -> AsyncIterator[str]:
    """A second gateway on the demo's sources and issuer, with its own (fresh) database."""
    config = dataclasses.replace(demo_stack.config, database_url=fresh_db, port=0)
    async with serve(create_app(config)) as url:
        yield url


async def _sql(dsn: str, statement: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def test_a_library_that_cannot_answer_leaves_topics_out_with_a_code_and_serves_the_rest(
    demo_stack: Any, own_gateway: str, fresh_db: str
) -> None:
    token = demo_stack.info()["tokens"]["P1"]
    status, body = await gql(f"{own_gateway}/graphql", TOPICS, token=token)
    assert status == 200 and "errors" not in body, body
    await _sql(fresh_db, "ALTER TABLE library.health_topics RENAME TO health_topics_elsewhere")
    try:
        status, body = await gql(f"{own_gateway}/graphql", TOPICS, token=token)
    finally:
        await _sql(fresh_db, "ALTER TABLE library.health_topics_elsewhere RENAME TO health_topics")
    assert status == 200
    assert body["data"]["me"]["dodId"] == "1000000001"  # the record itself is still served
    assert body["data"]["me"]["prescriptions"]["edges"], body
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"SERVICE_UNAVAILABLE"}, body["errors"]
    assert all(e["path"][-1] == "healthTopics" for e in body["errors"])
    assert all(not n["node"]["healthTopics"] for n in body["data"]["me"]["prescriptions"]["edges"])
    assert not any("health_topics" in e["message"] for e in body["errors"])  # no driver text
