"""Process metrics (CPU, memory, open files) of every live worker, labelled by `pid`: in
multiprocess mode one worker's scrape reads its siblings' `/proc` entries."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from prometheus_client.core import Metric
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from .multiproc import live_worker_pids

__all__ = ["WorkerProcesses"]


class WorkerProcesses(Collector):
    """`process_*` for each worker writing to the multiprocess directory."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def collect(self) -> Iterable[Metric]:
        families: dict[str, Metric] = {}
        for pid in live_worker_pids(self._path):
            collector = ProcessCollector(pid=functools.partial(int, pid), registry=None)
            for metric in collector.collect():
                family = families.get(metric.name)
                if family is None:
                    family = families[metric.name] = Metric(metric.name, metric.documentation, metric.type)
                for sample in metric.samples:
                    family.add_sample(sample.name, {**sample.labels, "pid": str(pid)}, sample.value)
        return list(families.values())
