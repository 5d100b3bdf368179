"""A tiny Prometheus registry (counters, histograms, gauges) and the gateway's own metrics."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from sources.records import RecordSource

__all__ = ["Counter", "GatewayMetrics", "Gauge", "Histogram", "Registry"]

Labels = tuple[tuple[str, str], ...]
_DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_M = TypeVar("_M", bound="_Metric")
_MAX_SERIES = 500  # per metric: label values beyond this collapse into "other"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _render_labels(labels: Labels, extra: Labels = ()) -> str:
    pairs = (*labels, *extra)
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}"


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


@dataclass
class _Metric:
    name: str
    help: str
    label_names: tuple[str, ...]

    kind = "untyped"

    def _key(self, values: Iterable[str]) -> Labels:
        values = tuple(values)
        if len(values) != len(self.label_names):
            raise ValueError(f"{self.name} takes labels {self.label_names}")
        return tuple(zip(self.label_names, values, strict=True))

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.kind}"]

    def render(self) -> list[str]:
        raise NotImplementedError


@dataclass
class Counter(_Metric):
    """A monotonically increasing count per label set."""

    values: dict[Labels, float] = field(default_factory=dict)
    kind = "counter"

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        key = self._key(labels)
        if key not in self.values and len(self.values) >= _MAX_SERIES:
            key = self._key("other" for _ in labels)
        self.values[key] = self.values.get(key, 0.0) + amount

    def render(self) -> list[str]:
        return [
            *self.header(),
            *(f"{self.name}{_render_labels(k)} {_number(v)}" for k, v in self.values.items()),
        ]


@dataclass
class Gauge(_Metric):
    """A value that goes up and down, per label set."""

    values: dict[Labels, float] = field(default_factory=dict)
    kind = "gauge"

    def set(self, value: float, *labels: str) -> None:
        self.values[self._key(labels)] = value

    def render(self) -> list[str]:
        return [
            *self.header(),
            *(f"{self.name}{_render_labels(k)} {_number(v)}" for k, v in self.values.items()),
        ]


@dataclass
class _Series:
    buckets: list[int]
    count: int = 0
    total: float = 0.0


@dataclass
class Histogram(_Metric):
    """Observations counted into cumulative `le` buckets, with `_sum` and `_count`."""

    bounds: tuple[float, ...] = _DEFAULT_BUCKETS
    series: dict[Labels, _Series] = field(default_factory=dict)
    kind = "histogram"

    def observe(self, value: float, *labels: str) -> None:
        key = self._key(labels)
        if key not in self.series and len(self.series) >= _MAX_SERIES:
            key = self._key("other" for _ in labels)
        entry = self.series.setdefault(key, _Series(buckets=[0] * len(self.bounds)))
        for index, bound in enumerate(self.bounds):
            if value <= bound:
                entry.buckets[index] += 1
        entry.count += 1
        entry.total += value

    def render(self) -> list[str]:
        lines = self.header()
        for key, entry in self.series.items():
            for bound, count in zip(self.bounds, entry.buckets, strict=True):
                le = (("le", _number(bound)),)
                lines.append(f"{self.name}_bucket{_render_labels(key, le)} {count}")
            inf = (("le", "+Inf"),)
            lines.append(f"{self.name}_bucket{_render_labels(key, inf)} {entry.count}")
            lines.append(f"{self.name}_sum{_render_labels(key)} {_number(entry.total)}")
            lines.append(f"{self.name}_count{_render_labels(key)} {entry.count}")
        return lines


class Registry:
    """Metrics in registration order, rendered as Prometheus text format 0.0.4."""

    def __init__(self) -> None:
        self._metrics: list[_Metric] = []

    def counter(self, name: str, help: str, *labels: str) -> Counter:
        return self._add(Counter(name, help, labels))

    def gauge(self, name: str, help: str, *labels: str) -> Gauge:
        return self._add(Gauge(name, help, labels))

    def histogram(self, name: str, help: str, *labels: str) -> Histogram:
        return self._add(Histogram(name, help, labels))

    def _add(self, metric: _M) -> _M:
        self._metrics.append(metric)
        return metric

    def render(self) -> str:
        lines: list[str] = []
        for metric in self._metrics:
            lines.extend(metric.render())
        return "\n".join(lines) + "\n"


class GatewayMetrics:
    """The gateway's metrics; also the sources' UpstreamObserver."""

    def __init__(self) -> None:
        self.registry = Registry()
        self.requests = self.registry.counter(
            "gateway_requests_total", "GraphQL requests by operation and outcome.",
            "operation", "outcome",
        )
        self.request_seconds = self.registry.histogram(
            "gateway_request_seconds", "GraphQL request duration in seconds."
        )
        self.upstream_requests = self.registry.counter(
            "gateway_upstream_requests_total", "Upstream round trips by source, kind and status.",
            "source", "kind", "status",
        )
        self.upstream_seconds = self.registry.histogram(
            "gateway_upstream_seconds", "Upstream round-trip duration in seconds.", "source"
        )
        self.source_state = self.registry.gauge(
            "gateway_source_state", "1 when the source answered its last call or probe, else 0.",
            "source",
        )

    def request(self, operation: str, outcome: str, seconds: float) -> None:
        self.requests.inc(operation, outcome)
        self.request_seconds.observe(seconds)

    def upstream_call(self, source: RecordSource, kind: str, status: str, seconds: float) -> None:
        self.upstream_requests.inc(source, kind, status)
        self.upstream_seconds.observe(seconds, source)
        up = status.isdigit() and int(status) < 500 and status != "429"
        self.source_state.set(1.0 if up else 0.0, source)

    def set_source_up(self, source: RecordSource, up: bool) -> None:
        self.source_state.set(1.0 if up else 0.0, source)

    def render(self) -> str:
        return self.registry.render()
