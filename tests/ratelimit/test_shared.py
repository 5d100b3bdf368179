"""Counters in Redis are shared by every gateway process; while Redis is down each process counts
on its own (and still answers)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import redis.asyncio as redis

from gateway.app import create_app
from tests.persisted.conftest import REDIS_URL
from tests.support.servers import serve

from .conftest import budget, limited, post


async def test_two_gateways_share_one_budget_and_it_resets(demo_stack: Any, redis_client: redis.Redis) -> None:
    token = demo_stack.info()["tokens"]["P1"]
    config = limited(demo_stack, redis_url=REDIS_URL, patient=budget(reads="4 per 2 seconds"))
    try:
        async with serve(create_app(config)) as first, serve(create_app(config)) as second:
            urls = [f"{first}/graphql", f"{second}/graphql"] * 2
            assert [(await post(url, token)).status for url in urls] == [200] * 4
            refused = [await post(url, token) for url in (f"{first}/graphql", f"{second}/graphql")]
            assert [r.status for r in refused] == [429, 429]
            wait = max(int(r.headers["Retry-After"]) for r in refused)
            assert 1 <= wait <= 2
            loop = asyncio.get_running_loop()
            until = loop.time() + wait + 1.0
            while (answer := await post(f"{second}/graphql", token)).status == 429:
                assert loop.time() < until, "the budget did not come back within Retry-After"
                await asyncio.sleep(0.1)
            assert answer.status == 200
    finally:
        keys = [key async for key in redis_client.scan_iter(f"{config.rate_limits.key_prefix}*")]
        if keys:
            await redis_client.delete(*keys)


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_with_redis_down_each_process_still_limits_and_answers(demo_stack: Any) -> None:
    token = demo_stack.info()["tokens"]["P1"]
    config = limited(demo_stack, redis_url=f"redis://127.0.0.1:{_closed_port()}/0",
                     patient=budget(reads="2/minute"))
    async with serve(create_app(config)) as base:
        statuses = [(await post(f"{base}/graphql", token)).status for _ in range(3)]
    assert statuses == [200, 200, 429]
