"""What the soak runs against: an embedded PostgreSQL it may restart, Redis when one answers, and
the demo's stack with the gateway served by two `mhs-gateway serve` workers."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import psutil
import redis.asyncio as redis

from gateway.demo.postgres import EmbeddedPostgres
from gateway.demo.stack import DemoStack

__all__ = ["World", "soak_world"]

_LOCAL_REDIS = "redis://127.0.0.1:6379/0"
# The soak's users send far more than people would: budgets that only a runaway client reaches.
_LIMITS = {
    **{f"MHS_GATEWAY_RATE_LIMIT_{who}_{kind}": "100000/minute"
       for who in ("PATIENT", "CLINICIAN", "ANALYST", "ADDRESS") for kind in ("READS", "WRITES")},
    "MHS_GATEWAY_BOOKINGS_PER_DAY": "100000",
}


@dataclass
class World:
    postgres: EmbeddedPostgres
    stack: DemoStack
    redis_url: str | None

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes of the gateway (children of the serve process), leaving out
        multiprocessing's resource tracker and workers killed but not yet reaped."""
        serve_pid = self.stack.gateway_pid
        if serve_pid is None:
            return []
        children: list[psutil.Process] = []
        with contextlib.suppress(psutil.Error):
            children = psutil.Process(serve_pid).children(recursive=True)
        return [child.pid for child in children if _is_worker(child)]


def _is_worker(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(process.cmdline())
    except psutil.Error:
        return False


async def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL") or _LOCAL_REDIS
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        await client.ping()
    except (redis.RedisError, OSError):
        return None
    finally:
        await client.aclose()
    return url


@contextlib.asynccontextmanager
async def soak_world(patients: int) -> AsyncIterator[World]:
    """PostgreSQL, Redis (if any), the sandboxes and two gateway workers, stopped in reverse."""
    redis_url = await _redis_url()
    env = {**_LIMITS, "MHS_GATEWAY_RATE_LIMIT_PREFIX": f"mhs:rl:soak:{uuid.uuid4().hex[:12]}"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    async with EmbeddedPostgres() as postgres:
        stack = DemoStack(port=0, database_url=postgres.dsn(), fresh_databases=True, today=dt.date.today(),
                          extra_patients=patients, gateway_workers=2, gateway_env=env, mart=False)
        async with stack:
            yield World(postgres, stack, redis_url)
