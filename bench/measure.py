"""One measured run: sandbox counters reset, CPU sampled around a wrk run, figures per operation."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil

from .client import link_cache_counts, upstream_counts
from .load import LoadResult, lua_data, run_wrk
from .processes import CpuSample
from .scenarios import Scenario
from .servers import Server
from .stack import BenchStack

__all__ = ["Bench", "RunResult"]



@dataclass
class RunResult:
    """One (server, scenario, workers, connections) run, per operation where it says so."""

    server: str
    scenario: str
    workers: int
    connections: int
    latency_injected_ms: int
    seconds: float
    requests: int
    rate: float
    latency_ms: dict[str, float]
    failed: int
    apq_misses: int
    cpu_s: dict[str, float]  # by process group, over the run
    cpu_ms_per_op: dict[str, float]
    upstream_per_op: dict[str, float]  # by sandbox
    upstream_paths: dict[str, dict[str, int]]
    token_requests: int
    rss_mb: dict[str, Any]
    wrk_cpu_s: float
    waves: float | None = None
    waves_from: str | None = None
    calls_exact: dict[str, float] | None = None  # per op, from requests sent one at a time
    extra: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return asdict(self)


class Bench:
    """What every run shares: the stack, wrk, where data files go, the injected latency."""

    def __init__(self, stack: BenchStack, wrk: str, workdir: Path, latency_ms: int) -> None:
        self.stack = stack
        self.wrk = wrk
        self.workdir = workdir
        self.latency_ms = latency_ms
        self._current_latency: int | None = None
        self.http: aiohttp.ClientSession

    async def set_latency(self, ms: int) -> None:
        """Inject `ms` into every FHIR (and token) request of both sandboxes."""
        if ms == self._current_latency:
            return
        for sandbox in self.stack.sandboxes.values():
            async with self.http.put(f"{sandbox.admin_url}/faults", json={"latency_ms": ms}) as resp:
                resp.raise_for_status()
        self._current_latency = ms

    async def _reset_stats(self) -> None:
        for sandbox in self.stack.sandboxes.values():
            async with self.http.post(f"{sandbox.admin_url}/stats/reset") as resp:
                resp.raise_for_status()

    async def _stats(self) -> dict[str, dict[str, Any]]:
        out = {}
        for name, sandbox in self.stack.sandboxes.items():
            async with self.http.get(f"{sandbox.admin_url}/stats") as resp:
                out[name] = await resp.json()
        return out

    def _data_file(self, scenario: Scenario) -> Path:
        path = self.workdir / f"{scenario.key}.lua"
        if not path.exists():
            path.write_text(lua_data(scenario.requests, scenario.register))
        return path

    async def load(self, server: Server, scenario: Scenario, connections: int, seconds: float) -> LoadResult:
        """A run whose figures are not kept (warm-up)."""
        return await run_wrk(self.wrk, server.base_url, self._data_file(scenario),
                             connections=connections, seconds=seconds)

    async def run(self, server: Server, scenario: Scenario, connections: int, seconds: float) -> RunResult:
        """A measured run."""
        roots = {server.kind: server.pid}
        roots.update({f"{name} sandbox": s.child.pid for name, s in self.stack.sandboxes.items()})
        if self.stack.postgres_pid:
            roots["postgres"] = self.stack.postgres_pid
        await self._reset_stats()
        lookups = await self._link_lookups(server)
        machine_before = _busy_seconds()
        roots["harness"] = os.getpid()
        before = CpuSample.take(roots)
        load = await self.load(server, scenario, connections, seconds)
        cpu = CpuSample.take(roots).since(before)
        machine_busy = _busy_seconds() - machine_before
        others = max(0.0, machine_busy - sum(cpu.values()) - load.wrk_cpu_s)
        cpu.pop("harness")
        stats = await self._stats()
        lookups = (await self._link_lookups(server)) - lookups
        ops = max(load.requests, 1)
        group = {server.kind: "server", "postgres": "postgres"}
        cpu_ms = {group.get(k, k): round(v * 1000 / ops, 3) for k, v in cpu.items()}
        cpu_ms["sandboxes"] = round(sum(v for k, v in cpu.items() if k.endswith("sandbox")) * 1000 / ops, 3)
        return RunResult(
            server=server.kind, scenario=scenario.key, workers=server.workers, connections=connections,
            latency_injected_ms=self._current_latency or 0, seconds=round(load.seconds, 2),
            requests=load.requests, rate=round(load.rate, 1), latency_ms=load.latency_ms, failed=load.failed,
            apq_misses=load.apq_misses, cpu_s={k: round(v, 3) for k, v in cpu.items()}, cpu_ms_per_op=cpu_ms,
            upstream_per_op={k: round(v["requests"] / ops, 2) for k, v in stats.items()},
            upstream_paths={k: v["by_path"] for k, v in stats.items()},
            token_requests=sum(v["token_requests"] for v in stats.values()),
            rss_mb=server.worker_rss_mb(), wrk_cpu_s=load.wrk_cpu_s,
            extra={"other_cores": round(others / load.seconds, 2) if load.seconds else 0.0,
                   **_hit_rate(lookups),
                   **({"first_error": load.first_error} if load.failed else {})},
        )

    async def quiesce(self, server: Server, within: float = 60.0) -> float:
        """Wait until the server has worked off what an earlier run left queued (under a tenth of a
        core for half a second); the seconds it took."""
        began = time.monotonic()
        last = CpuSample.take({"s": server.pid})
        while time.monotonic() - began < within:
            await asyncio.sleep(0.5)
            now = CpuSample.take({"s": server.pid})
            if now.since(last)["s"] < 0.05:
                break
            last = now
        return round(time.monotonic() - began, 1)

    async def settle(self, server: Server, scenario: Scenario, within: float = 60.0) -> float:
        """Quiesce, then wait until the scenario's first request answers without errors (a breaker
        opened by an overloaded run closes again); the seconds it took."""
        began = time.monotonic()
        await self.quiesce(server, within)
        while time.monotonic() - began < within:
            if await self.send(server, scenario, 0):
                break
            await asyncio.sleep(1.0)
        return round(time.monotonic() - began, 1)

    async def send(self, server: Server, scenario: Scenario, index: int) -> bool:
        """One request of the rotation, as an APQ client sends it (registering on a miss)."""
        request = scenario.requests[index % len(scenario.requests)]
        for attempt in (request, scenario.register):
            if attempt is None:
                break
            async with self.http.request(attempt.method, server.base_url + attempt.path,
                                         headers=dict(attempt.headers), data=attempt.body) as resp:
                body = await resp.read()
            if b"PERSISTED_QUERY_NOT_FOUND" not in body:
                return resp.status == 200 and b'"errors"' not in body
        return False

    async def count_calls(self, server: Server, scenario: Scenario, result: RunResult, samples: int = 8) -> None:
        """Upstream calls per operation, exactly: `samples` requests one after another (a run under
        load also counts the calls of operations still in flight when it ends)."""
        await self._reset_stats()
        before = await self._gateway_calls(server)
        n = min(samples, len(scenario.requests)) or 1
        for i in range(n):
            await self.send(server, scenario, i)
        stats = await self._stats()
        result.calls_exact = {k: round(v["requests"] / n, 2) for k, v in stats.items()}
        if server.kind == "gateway" and server.workers == 1:  # /metrics is per process
            after = await self._gateway_calls(server)
            by_source = {k: round((after[k] - before.get(k, 0)) / n, 2) for k in after}
            result.extra["gateway_calls_per_op"] = by_source
            result.calls_exact["tol"] = by_source.get("TOL_ARCHIVE", 0.0)
        result.extra["calls_exact_paths"] = {k: v["by_path"] for k, v in stats.items()}
        result.extra["calls_exact_samples"] = n

    async def _link_lookups(self, server: Server) -> Counter[str]:
        """The link cache's hits and misses so far (one gateway process: /metrics is per process)."""
        if server.kind != "gateway" or server.workers != 1:
            return Counter()
        async with self.http.get(f"{server.base_url}/metrics") as resp:
            return link_cache_counts(await resp.text())

    async def _gateway_calls(self, server: Server) -> Counter[str]:
        """gateway_upstream_requests_total by source (token and check calls left out)."""
        counts: Counter[str] = Counter()
        if server.kind != "gateway":
            return counts
        async with self.http.get(f"{server.base_url}/metrics") as resp:
            for (source, _), count in upstream_counts(await resp.text()).items():
                counts[source] += count
        return counts

    async def waves(self, server: Server, scenario: Scenario, with_latency: RunResult, seconds: float) -> None:
        """Sequential upstream waves at one connection: from the sandboxes' request recorder when
        they have one, else from p50 with and without the injected latency."""
        recorded = await self._recorded_waves(server, scenario)
        if recorded is not None:
            with_latency.waves, with_latency.waves_from = recorded, "recorder"
            return
        await self.set_latency(0)
        try:
            bare = await self.load(server, scenario, 1, seconds)
        finally:
            await self.set_latency(self.latency_ms)
        gained = with_latency.latency_ms["p50"] - bare.latency_ms["p50"]
        with_latency.waves = round(gained / self.latency_ms, 2) if self.latency_ms else None
        with_latency.waves_from = "timing"
        with_latency.extra["p50_without_latency_ms"] = bare.latency_ms["p50"]

    async def _recorded_waves(self, server: Server, scenario: Scenario) -> float | None:
        """Sequential waves of one operation from the sandboxes' request recorders
        (`/__admin/requests`): calls answered within half the injected latency of one another
        belong to one wave (the recorder keeps when each was answered)."""
        if not self.latency_ms:
            return None
        await self.send(server, scenario, 0)  # warm: tokens, caches
        for sandbox in self.stack.sandboxes.values():
            async with self.http.delete(f"{sandbox.admin_url}/requests") as resp:
                if resp.status >= 400:
                    return None
        await self.send(server, scenario, 0)
        answered: list[float] = []
        for sandbox in self.stack.sandboxes.values():
            async with self.http.get(f"{sandbox.admin_url}/requests") as resp:
                if resp.status != 200:
                    return None
                answered += _answered_at(await resp.json(content_type=None))
        return float(_waves(answered, self.latency_ms / 2000))


def _hit_rate(lookups: Counter[str]) -> dict[str, float]:
    """The share of a run's patient openings whose links came from the link cache (when counted)."""
    seen = lookups["hit"] + lookups["miss"]
    return {"link_cache_hit_rate": round(lookups["hit"] / seen, 2)} if seen else {}


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent on anything but idling, since boot."""
    t = psutil.cpu_times()
    return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))


_UPSTREAM_PATHS = ("/fhir", "/portal/")  # not "/auth/token", not "/__admin"


def _answered_at(body: Any) -> list[float]:
    """When each recorded upstream request (FHIR or the portal's; token requests left out) was
    answered, in seconds."""
    items = body.get("requests", body) if isinstance(body, dict) else body
    out = []
    for item in items if isinstance(items, list) else []:
        path = str(item.get("path")) if isinstance(item, dict) else ""
        if path.startswith(_UPSTREAM_PATHS) and isinstance(item.get("at"), int | float):
            out.append(float(item["at"]))
    return out


def _waves(answered: list[float], gap: float) -> int:
    """How many groups the answer times fall into, a new group after a pause longer than `gap`."""
    ordered = sorted(answered)
    return sum(1 for i, t in enumerate(ordered) if i == 0 or t - ordered[i - 1] > gap)


def dump(results: list[RunResult]) -> str:
    return json.dumps([r.row() for r in results], indent=1)
