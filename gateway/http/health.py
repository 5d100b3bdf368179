"""`/healthz` (process up), `/readyz` (database and each source), `/metrics` (Prometheus text)."""

from __future__ import annotations

import asyncio
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from gateway.metrics import GatewayMetrics
from gateway.runtime import Probe, Runtime
from sources.base import Source
from sources.errors import SourceTimeout

__all__ = ["HealthRoutes"]

_PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


async def _probe(check: Probe, within: float) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(within):
            await check()
    except (TimeoutError, SourceTimeout):
        state = "TIMED_OUT"
    except Exception:
        state = "UNAVAILABLE"
    else:
        state = "OK"
    return state, round((time.perf_counter() - started) * 1000, 1)


class HealthRoutes:
    """Liveness, readiness and metrics; readiness needs the database, not every source."""

    def __init__(self, metrics: GatewayMetrics, *, probe_timeout: float) -> None:
        self._metrics = metrics
        self._timeout = probe_timeout

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})

    async def readyz(self, request: Request) -> Response:
        runtime: Runtime | None = getattr(request.app.state, "runtime", None)
        if runtime is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        sources: dict[str, Source] = {s: runtime.services.sources[s] for s in runtime.services.ranked()}
        names = [*runtime.database_probes, *sources]
        checks = [*runtime.database_probes.values(), *(src.check for src in sources.values())]
        results = await asyncio.gather(*(_probe(check, self._timeout) for check in checks))
        by_name = dict(zip(names, results, strict=True))
        databases = {name: by_name[name][0] for name in runtime.database_probes}
        source_states = {
            name: {"state": by_name[name][0], "latencyMs": by_name[name][1]} for name in sources
        }
        for source, _ in runtime.services.sources.items():
            self._metrics.set_source_up(source, by_name[source][0] == "OK")
        ready = bool(databases) and all(state == "OK" for state in databases.values())
        audit: dict[str, object] = {"state": "NOT_CONFIGURED", "pending": 0}
        if runtime.audit is None:
            ready = False
            databases.setdefault("gateway", "NOT_CONFIGURED")
        else:
            audit = {"state": runtime.audit.state.value, "pending": runtime.audit.pending}
            ready = ready and runtime.audit.accepting  # no audit, no health data
        body = {
            "status": "ready" if ready else "not_ready",
            "databases": databases,
            "audit": audit,
            "sources": source_states,
        }
        return JSONResponse(
            body, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"}
        )

    async def metrics(self, request: Request) -> Response:
        return PlainTextResponse(self._metrics.render(), media_type=_PROMETHEUS)
