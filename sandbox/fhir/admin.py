"""The admin surface (`/__admin`): request counts and injected faults. Not FHIR, no auth."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, replace
from typing import Any

from aiohttp import web

__all__ = ["FaultState", "Faults", "Stats", "admin_routes", "fault_routes"]

_GARBAGE = ("truncated", "html")


@dataclass(frozen=True)
class Faults:
    """Injected faults. `error_status` hits a fraction `error_rate` of FHIR requests; a rate of
    0 with a status set means every request (so `{"error_status": 503}` alone works).
    `garbage` ("truncated" or "html") spoils every FHIR answer's body."""

    latency_ms: int = 0
    error_status: int | None = None
    error_rate: float = 0.0
    down: bool = False
    garbage: str | None = None

    def __post_init__(self) -> None:
        _number(self.latency_ms, "latency_ms")
        _number(self.error_rate, "error_rate")
        if isinstance(self.error_status, bool) or not isinstance(self.error_status, int | None):
            raise ValueError("error_status must be an HTTP error status")
        if not isinstance(self.down, bool):
            raise ValueError("down must be true or false")
        if not 0 <= self.latency_ms <= _MAX_LATENCY_MS or not 0.0 <= self.error_rate <= 1.0:
            raise ValueError(f"latency_ms must be within 0..{_MAX_LATENCY_MS} and error_rate within 0..1")
        if self.error_status is not None and not 400 <= self.error_status <= 599:
            raise ValueError("error_status must be an HTTP error status")
        if self.garbage is not None and self.garbage not in _GARBAGE:
            raise ValueError("garbage must be 'truncated', 'html' or null")


_MAX_LATENCY_MS = 600_000  # ten minutes: longer than any client waits, short enough to end


def _number(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValueError(f"{name} must be a number")


class FaultState:
    """The current faults and a deterministic error spreader (exactly `rate` of requests fail)."""

    def __init__(self) -> None:
        self.faults = Faults()
        self._seen = 0
        self._failed = 0

    def merge(self, body: dict[str, Any]) -> Faults:
        """Apply a partial update; unknown fields or bad values raise ValueError."""
        unknown = set(body) - set(asdict(self.faults))
        if unknown:
            raise ValueError("unknown fault fields: " + ", ".join(sorted(unknown)))
        if body.get("garbage") is True:
            body = {**body, "garbage": "truncated"}
        elif body.get("garbage") is False:
            body = {**body, "garbage": None}
        self.faults = replace(self.faults, **body)
        self._seen = self._failed = 0
        return self.faults

    def clear(self) -> None:
        self.faults = Faults()
        self._seen = self._failed = 0

    def next_error(self) -> int | None:
        """The error status the next FHIR request gets, if any."""
        status = self.faults.error_status
        if status is None:
            return None
        rate = self.faults.error_rate or 1.0
        self._seen += 1
        if self._failed < int(self._seen * rate + 1e-9):
            self._failed += 1
            return status
        return None


class Stats:
    """Counts of FHIR requests (a batch is one) and, apart, of token requests."""

    def __init__(self) -> None:
        self.by_path: Counter[str] = Counter()
        self.token_requests = 0

    def count(self, path: str) -> None:
        self.by_path[path] += 1

    def reset(self) -> None:
        self.by_path.clear()
        self.token_requests = 0

    def snapshot(self) -> dict[str, Any]:
        return {
            "requests": sum(self.by_path.values()),
            "by_path": dict(sorted(self.by_path.items())),
            "token_requests": self.token_requests,
        }


def admin_routes(stats: Stats, faults: FaultState) -> list[web.RouteDef]:
    """The `/__admin` routes over this server's stats and faults."""

    async def get_stats(_: web.Request) -> web.Response:
        return web.json_response(stats.snapshot())

    async def reset_stats(_: web.Request) -> web.Response:
        stats.reset()
        return web.json_response(stats.snapshot())

    async def garbage(_: web.Request) -> web.Response:
        return web.json_response(asdict(faults.merge({"garbage": "truncated"})))

    return [
        web.get("/__admin/stats", get_stats),
        web.post("/__admin/stats/reset", reset_stats),
        *fault_routes(faults, "/__admin/faults"),
        web.post("/__admin/garbage", garbage),
    ]


def fault_routes(faults: FaultState, path: str) -> list[web.RouteDef]:
    """`GET`, `PUT` (merge) and `DELETE` (clear) of one set of faults at `path`."""

    async def get_faults(_: web.Request) -> web.Response:
        return web.json_response(asdict(faults.faults))

    async def put_faults(request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read() or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            current = faults.merge(body)
        except (ValueError, TypeError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        except RecursionError:
            return web.json_response({"error": "the body is nested too deeply"}, status=400)
        return web.json_response(asdict(current))

    async def delete_faults(_: web.Request) -> web.Response:
        faults.clear()
        return web.json_response(asdict(faults.faults))

    return [web.get(path, get_faults), web.put(path, put_faults), web.delete(path, delete_faults)]
