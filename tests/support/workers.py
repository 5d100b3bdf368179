"""`mhs-gateway serve --workers N` on a running demo stack's sources, and what each worker counted
(read from the multiprocess metrics files, which only a test on the same machine can see)."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prometheus_client.mmap_dict import MmapedDict

from gateway.demo.ports import free_port
from gateway.demo.workers import ServeProcess

__all__ = ["Workers", "requests_by_worker", "serve_workers"]


@dataclass(frozen=True)
class Workers:
    url: str  # the base URL every worker serves
    metrics_dir: Path
    log: Path


def requests_by_worker(metrics_dir: Path) -> Counter[int]:
    """`gateway_requests_total` summed per worker pid, from each worker's own counter file."""
    counts: Counter[int] = Counter()
    for file in metrics_dir.glob("counter_*.db"):
        pid = int(file.stem.rsplit("_", 1)[1])
        for key, value, _, _ in MmapedDict.read_all_values_from_file(str(file)):
            if json.loads(key)[1] == "gateway_requests_total":
                counts[pid] += int(value)
    return counts


@contextlib.asynccontextmanager
async def serve_workers(stack: Any, tmp: Path, *, workers: int = 2,
                        environment: Mapping[str, str] | None = None) -> AsyncIterator[Workers]:
    """The stack's gateway configuration served by `workers` processes on a free port."""
    metrics_dir, log_path = tmp / "metrics", tmp / "serve.log"
    metrics_dir.mkdir()
    env = {**stack.gateway_environment, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), **(environment or {})}
    with log_path.open("w") as log:
        process = ServeProcess(env, host="127.0.0.1", port=free_port(), workers=workers, log=log)
        await process.start()
        try:
            yield Workers(process.url, metrics_dir, log_path)
        finally:
            await process.stop()
