"""Finding the embedded PostgreSQL server a demo process started, to check it is gone later."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psutil

__all__ = ["PostgresProcess", "gone", "postgres_serving"]


@dataclass(frozen=True)
class PostgresProcess:
    pid: int
    data_dir: Path


def postgres_serving(dsn: str) -> PostgresProcess | None:
    """The postmaster listening on the DSN's port, if it is one we can see."""
    port = str(urlsplit(dsn).port)
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if not cmdline or not cmdline[0].endswith("/postgres"):
            continue
        if "-p" in cmdline and cmdline[cmdline.index("-p") + 1] == port and "-D" in cmdline:
            return PostgresProcess(process.pid, Path(cmdline[cmdline.index("-D") + 1]))
    return None


def gone(pid: int) -> bool:
    """True if no live process has `pid` (a zombie awaiting its reaper counts as gone)."""
    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True
