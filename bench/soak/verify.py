"""After the soak: every acknowledged write exactly once upstream, no slot booked twice, every answer
that carried health data audited; and what the workers' memory did meanwhile."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import asyncpg
import psutil

from .ledger import Ack, Ledger
from .world import World

__all__ = ["MemorySampler", "Verdict", "recover", "verify"]

_COVERAGE = "{ me { sourceCoverage { state } } }"


@dataclass
class Verdict:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    double_booked: list[str] = field(default_factory=list)
    unaudited: int = 0
    unaudited_operations: list[str] = field(default_factory=list)


async def recover(world: World, within: float = 60.0) -> bool:
    """Clear every fault and wait until P1 sees every source again (breakers closed)."""
    info = world.stack.info()
    async with aiohttp.ClientSession() as http:
        for url in info["admin"].values():
            async with http.delete(f"{url}/faults"):
                pass
        until = asyncio.get_running_loop().time() + within
        while asyncio.get_running_loop().time() < until:
            with contextlib.suppress(aiohttp.ClientError, ValueError):
                async with http.post(info["graphql_url"], json={"query": _COVERAGE},
                                     headers={"Authorization": f"Bearer {info['tokens']['P1']}"}) as response:
                    body = await response.json()
                    states = [c["state"] for c in ((body.get("data") or {}).get("me") or {}).get("sourceCoverage", [])]
                    if states and all(s == "OK" for s in states):
                        return True
            await asyncio.sleep(0.5)
    return False


def _texts(resource: dict[str, Any]) -> Iterator[str]:
    """The resource as text, and the decoded content of a Binary (message bodies live there)."""
    yield json.dumps(resource)
    if resource.get("resourceType") == "Binary" and isinstance(resource.get("data"), str):
        with contextlib.suppress(binascii.Error, ValueError):
            yield base64.b64decode(resource["data"]).decode("utf-8", "replace")


def _upstream(world: World) -> list[dict[str, Any]]:
    """What GENESIS holds: its FHIR API's resources and its patient portal's."""
    stores = (world.stack.genesis.store, world.stack.portal.store)
    return [r for store in stores for kind in store.types() for r in store.all(kind)]


def _source_id(global_id: str) -> str:
    raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    return raw.split(":", 2)[2]


def _check_acks(world: World, acks: list[Ack], verdict: Verdict) -> None:
    resources = _upstream(world)
    by_type: dict[str, Counter[str]] = defaultdict(Counter)  # nonce -> resources of each type holding it
    nonces = {a.nonce for a in acks if a.nonce}
    for resource in resources:
        found = {n for text in _texts(resource) for n in nonces if n in text}
        for nonce in found:
            by_type[nonce][str(resource.get("resourceType"))] += 1
    # One write is one resource of its type (a message's text may sit in its Communication or a Binary).
    holding = Counter({nonce: max(types.values()) for nonce, types in by_type.items()})
    appointments = {str(r.get("id")): r for r in resources if r.get("resourceType") == "Appointment"}
    for ack in acks:
        if ack.nonce is not None and holding[ack.nonce] == 0:
            verdict.lost.append(f"{ack.action} {ack.record_id}")
        elif ack.nonce is not None and ack.action in ("book", "renew", "message") and holding[ack.nonce] > 1:
            verdict.duplicated.append(f"{ack.action} {ack.record_id} x{holding[ack.nonce]}")
        if ack.action == "cancel":
            appointment = appointments.get(_source_id(ack.record_id))
            if appointment is None or appointment.get("status") != "cancelled":
                verdict.lost.append(f"cancel {ack.record_id}")
    booked: dict[str, list[str]] = defaultdict(list)
    for appointment in appointments.values():
        if appointment.get("status") == "booked":
            for slot in appointment.get("slot") or ():
                booked[str(slot.get("reference"))].append(str(appointment.get("id")))
    verdict.double_booked = [f"{slot}: {ids}" for slot, ids in booked.items() if len(ids) > 1]


async def _check_audit(world: World, ledger: Ledger, verdict: Verdict) -> None:
    conn = await asyncpg.connect(world.stack.info()["gateway_dsn"])
    try:
        found = await conn.fetch("SELECT DISTINCT request_id FROM audit.events WHERE request_id = ANY($1)",
                                 list(ledger.data_answers))
    finally:
        await conn.close()
    missing = set(ledger.data_answers) - {row["request_id"] for row in found}
    verdict.unaudited = len(missing)
    verdict.unaudited_operations = sorted(ledger.data_answers[m] for m in missing)


async def verify(world: World, ledger: Ledger) -> Verdict:
    verdict = Verdict()
    _check_acks(world, ledger.acks, verdict)
    await _check_audit(world, ledger, verdict)
    return verdict


class MemorySampler:
    """Each worker's resident memory, sampled every `every` seconds (workers come and go)."""

    def __init__(self, world: World, every: float = 2.0) -> None:
        self._world = world
        self._every = every
        self.samples: dict[int, list[float]] = defaultdict(list)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            for pid in self._world.worker_pids():
                with contextlib.suppress(psutil.Error):
                    rss = psutil.Process(pid).memory_info().rss / 2**20
                    if rss > 0:  # a killed worker not yet reaped reads as zero
                        self.samples[pid].append(rss)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._every)

    def summary(self) -> tuple[float, float]:
        """(largest RSS of any worker in MiB, the largest growth: late median / early median)."""
        peak = max((max(s) for s in self.samples.values() if s), default=0.0)
        growth = 1.0
        for series in self.samples.values():
            if len(series) >= 10:
                third = len(series) // 3
                growth = max(growth, statistics.median(series[-third:]) / statistics.median(series[:third]))
        return peak, growth
