"""prometheus-client's multiprocess mode: every worker writes its values to files in one
directory (`PROMETHEUS_MULTIPROC_DIR`), and a scrape of any worker reads them all."""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import multiprocess

__all__ = ["ENV", "live_worker_pids", "multiprocess_dir", "prepare_multiprocess_dir", "worker_exited"]

ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_dir() -> Path | None:
    """The directory when this process reports in multiprocess mode, else None."""
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def prepare_multiprocess_dir(path: Path) -> None:
    """Create the directory, or empty it of an earlier run's files (before any worker starts)."""
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def worker_exited(pid: int | None = None) -> None:
    """Drop a finished worker's live gauges (its counters stay counted)."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(pid if pid is not None else os.getpid())  # type: ignore[no-untyped-call]


def live_worker_pids(path: Path) -> list[int]:
    """The processes that write to `path` and are still running."""
    pids: set[int] = set()
    for file in path.glob("*_*.db"):
        tail = file.stem.rsplit("_", 1)[-1]
        if tail.isdigit():
            pids.add(int(tail))
    return sorted(pid for pid in pids if _running(pid))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
