"""The soak's fault schedule: each source down, slow past the deadline, in a 429 storm, answering
garbage; the gateway's PostgreSQL restarted; a worker killed with SIGKILL; the audit table made
unwritable. Faults come one at a time with quiet spells between, cycling until the time is up."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import asyncpg

from .world import World

__all__ = ["Fault", "schedule"]


@dataclass(frozen=True)
class Fault:
    name: str
    start: Callable[[World], Awaitable[None]]
    stop: Callable[[World], Awaitable[None]] | None = None  # None: instantaneous


def _sandbox(name: str, faults: dict[str, Any]) -> Fault:
    async def start(world: World) -> None:
        await _admin(world, name, "PUT", faults)

    async def stop(world: World) -> None:
        await _admin(world, name, "DELETE", None)

    return Fault(f"{name} {', '.join(f'{k}={v}' for k, v in faults.items())}", start, stop)


async def _admin(world: World, name: str, method: str, body: Any) -> None:
    url = f"{world.stack.info()['admin'][name]}/faults"
    async with aiohttp.ClientSession() as http, http.request(method, url, json=body) as response:
        response.raise_for_status()


async def _restart_postgres(world: World) -> None:
    await world.postgres.restart()


async def _kill_a_worker(world: World) -> None:
    pids = world.worker_pids()
    if pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pids[0], signal.SIGKILL)  # uvicorn's supervisor starts a new one


async def _audit(world: World, statement: str) -> None:
    conn = await asyncpg.connect(world.stack.info()["gateway_dsn"])
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


FAULTS = [
    _sandbox("genesis", {"down": True}),
    _sandbox("community", {"down": True}),
    _sandbox("genesis", {"latency_ms": 6000}),
    _sandbox("community", {"latency_ms": 6000}),
    _sandbox("genesis", {"error_status": 429, "error_rate": 0.8}),
    _sandbox("community", {"garbage": "truncated"}),
    Fault("gateway PostgreSQL restarted", _restart_postgres),
    Fault("a gateway worker killed (SIGKILL)", _kill_a_worker),
    Fault("audit table unwritable",
          lambda w: _audit(w, "ALTER TABLE audit.events RENAME TO events_away"),
          lambda w: _audit(w, "ALTER TABLE audit.events_away RENAME TO events")),
]


async def schedule(world: World, stop: asyncio.Event, *, hold: float, quiet: float) -> Counter[str]:
    """Inject FAULTS in turn (each held `hold` seconds, `quiet` between) until `stop`; what ran."""
    injected: Counter[str] = Counter()
    turn = 0
    while not stop.is_set():
        fault = FAULTS[turn % len(FAULTS)]
        turn += 1
        await fault.start(world)
        injected[fault.name] += 1
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), hold)
        finally:
            if fault.stop is not None:
                await fault.stop(world)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), quiet)
    return injected
