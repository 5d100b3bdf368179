"""The gateway's own metrics, named as Prometheus asks (`_total` counters, `_seconds` histograms)
with bounded labels; also the sources' UpstreamObserver."""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from sources.records import RecordSource

from .multiproc import multiprocess_dir

__all__ = ["GatewayMetrics", "OperationLabels"]

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
OTHER = "other"

disable_created_metrics()  # type: ignore[no-untyped-call]  # no `_created` series: counts are enough


class OperationLabels:
    """Operation names become label values only for documents the gateway knows (trusted or
    persisted), and at most `limit` distinct ones per process; everything else is `other`."""

    def __init__(self, limit: int = 200) -> None:
        self._limit = limit
        self._seen: set[str] = set()

    def label(self, name: str | None, *, known: bool) -> str:
        if not known or name is None or not _NAME.match(name):
            return OTHER
        if name not in self._seen:
            if len(self._seen) >= self._limit:
                return OTHER
            self._seen.add(name)
        return name


def _status(status: str) -> str:
    """An upstream status as a label: an HTTP code, `ok` (SQL), `error` or `timeout`."""
    if status.isdigit():
        return status if 100 <= int(status) <= 599 else OTHER
    return status if status in ("ok", "error", "timeout") else OTHER


def _answered(status: str) -> bool:
    """Whether the source itself answered (an HTTP 4xx is the request's fault, not the source's)."""
    if status == "ok":
        return True
    return status.isdigit() and int(status) < 500 and status != "429"


class GatewayMetrics:
    """Requests by operation and outcome, upstream calls by source, kind and status, and whether
    each source answered its last call or probe. In multiprocess mode every worker writes them to
    the shared directory; otherwise they live in this instance's registry (with process metrics)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.operations = OperationLabels()
        self.requests = Counter("gateway_requests", "GraphQL requests by operation and outcome.",
                                ["operation", "outcome"], registry=registry)
        self.request_seconds = Histogram("gateway_request_seconds", "GraphQL request duration in seconds.",
                                         ["operation"], buckets=_BUCKETS, registry=registry)
        self.upstream_requests = Counter("gateway_upstream_requests",
                                         "Upstream round trips by source, kind and status.",
                                         ["source", "kind", "status"], registry=registry)
        self.upstream_seconds = Histogram("gateway_upstream_seconds", "Upstream round-trip duration in seconds.",
                                          ["source"], buckets=_BUCKETS, registry=registry)
        self.source_state = Gauge("gateway_source_state",
                                  "1 when the source answered its last call or probe, else 0.",
                                  ["source"], multiprocess_mode="livemostrecent", registry=registry)
        self.link_cache = Counter("gateway_link_cache_lookups",
                                  "Patients' own links looked up in the short link cache, by result (hit, miss).",
                                  ["result"], registry=registry)
        self.workers = Gauge("gateway_workers", "Gateway worker processes serving.",
                             multiprocess_mode="livesum", registry=registry)
        if multiprocess_dir() is None:  # in multiprocess mode the exposition adds every worker's
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)
            GCCollector(registry=registry)

    def serving(self, up: bool) -> None:
        """This worker started (or stopped) serving."""
        self.workers.set(1.0 if up else 0.0)

    def request(self, operation: str, outcome: str, seconds: float) -> None:
        self.requests.labels(operation, outcome).inc()
        self.request_seconds.labels(operation).observe(seconds)

    def upstream_call(self, source: RecordSource, kind: str, status: str, seconds: float) -> None:
        self.upstream_requests.labels(source, kind, _status(status)).inc()
        self.upstream_seconds.labels(source).observe(seconds)
        self.set_source_up(source, _answered(status))

    def link_cache_lookup(self, hit: bool) -> None:
        self.link_cache.labels("hit" if hit else "miss").inc()

    def set_source_up(self, source: RecordSource, up: bool) -> None:
        self.source_state.labels(source).set(1.0 if up else 0.0)
