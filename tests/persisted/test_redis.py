"""The Redis store (127.0.0.1:6379): shared by gateways, expiring, and never a 500 when Redis is down."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import redis.asyncio as redis
from graphql import parse, print_ast

from gateway.app import create_app
from gateway.config import PersistedConfig
from gateway.persisted import KEY_PREFIX, RedisDocumentStore
from tests.support.servers import serve

from .conftest import REDIS_URL, apq, forget, send, sha256, token_of, unique, with_config

ME = "query { me { dodId } }"


def stored_form(text: str) -> str:
    """What the store keeps of a registered document: its printed form, behind that form's hash."""
    shown = print_ast(parse(text))
    return f"{sha256(shown)}:{shown}"
TTL = 3600


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest_asyncio.fixture(loop_scope="session")
async def two_gateways(demo_stack: Any, redis_client: redis.Redis) -> AsyncIterator[tuple[str, str]]:
    """Two gateway instances on the demo's sources, sharing the machine's Redis."""
    config = with_config(demo_stack, redis_url=REDIS_URL, persisted=PersistedConfig(ttl=TTL))
    async with serve(create_app(config)) as first, serve(create_app(config)) as second:
        yield f"{first}/graphql", f"{second}/graphql"


async def test_a_registration_on_one_gateway_is_a_hit_on_the_other(
    demo_stack: Any, two_gateways: tuple[str, str], redis_client: redis.Redis
) -> None:
    first, second = two_gateways
    token, text = token_of(demo_stack), unique(ME)
    ext = apq(sha256(text))
    try:
        assert (await send(second, token, extensions=ext)).code == "PERSISTED_QUERY_NOT_FOUND"
        registered = await send(first, token, query=text, extensions=ext)
        assert registered.status == 200 and registered.body == {"data": {"me": {"dodId": "1000000001"}}}

        for method in ("POST", "GET"):
            hit = await send(second, token, method=method, extensions=ext)
            assert hit.status == 200 and hit.body == registered.body

        key = KEY_PREFIX + sha256(text)
        assert await redis_client.get(key) == stored_form(text)  # the document only: no variables, no user
        assert 0 < await redis_client.ttl(key) <= TTL
    finally:
        await forget(redis_client, text)


async def test_what_the_store_holds_is_only_documents(
    demo_stack: Any, two_gateways: tuple[str, str], redis_client: redis.Redis
) -> None:
    first, _ = two_gateways
    token = token_of(demo_stack)
    text = unique("query ($n: Int!) { me { labResults(first: $n) { totalCount } } }")
    try:
        answer = await send(first, token, query=text, variables={"n": 1}, extensions=apq(sha256(text)))
        assert answer.status == 200, answer.body
        assert await redis_client.get(KEY_PREFIX + sha256(text)) == stored_form(text)
        keys = [key async for key in redis_client.scan_iter(match=KEY_PREFIX + "*")]
        for key in keys:
            assert "1000000001" not in (await redis_client.get(key) or "")
    finally:
        await forget(redis_client, text)


async def test_a_tampered_entry_is_not_run(
    demo_stack: Any, two_gateways: tuple[str, str], redis_client: redis.Redis
) -> None:
    """Whoever can write to Redis cannot make a hash run another document."""
    first, _ = two_gateways
    text = unique(ME)
    try:
        await redis_client.set(KEY_PREFIX + sha256(text), "query { me { name { text } } }")
        answer = await send(first, token_of(demo_stack), extensions=apq(sha256(text)))
        assert answer.status == 200 and answer.code == "PERSISTED_QUERY_NOT_FOUND"
    finally:
        await forget(redis_client, text)


async def test_redis_down_means_not_found_and_the_full_query_still_runs(demo_stack: Any) -> None:
    down = f"redis://127.0.0.1:{_closed_port()}/0"
    config = with_config(demo_stack, redis_url=down)
    token, text = token_of(demo_stack), unique(ME)
    ext = apq(sha256(text))
    async with serve(create_app(config)) as url:
        for method in ("POST", "GET"):
            miss = await send(f"{url}/graphql", token, method=method, extensions=ext)
            assert miss.status == 200 and miss.code == "PERSISTED_QUERY_NOT_FOUND", miss.body
            ran = await send(f"{url}/graphql", token, method=method, query=text, extensions=ext)
            assert ran.status == 200 and ran.body == {"data": {"me": {"dodId": "1000000001"}}}
            again = await send(f"{url}/graphql", token, method=method, extensions=ext)
            assert again.status == 200 and again.code == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_failing_store_answers_none_and_logs_no_document(
    redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    secret_url = f"redis://user:pa55word@127.0.0.1:{_closed_port()}/0"
    down = RedisDocumentStore.from_url(secret_url, ttl=TTL, timeout=0.5)
    text = '{ patient(dodId: "1000000001") { dodId } }'
    with caplog.at_level(logging.INFO, logger="gateway.persisted"):
        try:
            assert await down.get(sha256(text)) is None
            await down.put(sha256(text), text)  # dropped, never raised
            assert await down.get(sha256(text)) is None
        finally:
            await down.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "persisted-query store unavailable; hashes answer not-found until it is back"
    ]  # once per outage, not once per request
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "pa55word" not in logged and "1000000001" not in logged


async def test_a_live_store_keeps_documents(redis_client: redis.Redis) -> None:
    text = unique("query { __typename }")
    store = RedisDocumentStore.from_url(REDIS_URL, ttl=TTL, timeout=0.5)
    try:
        await store.put(sha256(text), text)
        assert await store.get(sha256(text)) == text
        assert await store.get("b" * 64) is None
    finally:
        await store.close()
        await forget(redis_client, text)
