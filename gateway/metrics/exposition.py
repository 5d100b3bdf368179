"""`/metrics`: this process's registry, or every worker's files in multiprocess mode."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from .gateway import GatewayMetrics
from .multiproc import multiprocess_dir
from .processes import WorkerProcesses

__all__ = ["CONTENT_TYPE", "render"]

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # what every Prometheus reads


def render(metrics: GatewayMetrics) -> bytes:
    """The Prometheus text exposition of the gateway's metrics (one set across workers)."""
    path = multiprocess_dir()
    if path is None:
        return generate_latest(metrics.registry)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(path))  # type: ignore[no-untyped-call]
    registry.register(WorkerProcesses(path))
    return generate_latest(registry)
