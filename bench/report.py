"""The printed table and the JSON file of one run."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import psutil

from .goals import Goal
from .measure import RunResult

__all__ = ["machine", "print_goals", "print_linking", "print_table", "write_json"]


def machine() -> dict[str, Any]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "kernel": platform.release(), "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else None,
        "load_average_at_start": os.getloadavg(),
    }


_COLUMNS = ("server", "scenario", "w", "conns", "req/s", "p50", "p95", "p99", "fail", "srv ms/op",
            "sbx ms/op", "pg ms/op", "calls/op", "waves", "RSS MB/worker", "other")


def _cells(r: RunResult) -> list[str]:
    calls = sum((r.calls_exact or r.upstream_per_op).values())
    return [
        r.server, r.scenario, str(r.workers), str(r.connections), f"{r.rate:.1f}",
        f"{r.latency_ms['p50']:.1f}", f"{r.latency_ms['p95']:.1f}", f"{r.latency_ms['p99']:.1f}",
        str(r.failed), f"{r.cpu_ms_per_op.get('server', 0):.2f}", f"{r.cpu_ms_per_op.get('sandboxes', 0):.2f}",
        f"{r.cpu_ms_per_op.get('postgres', 0):.2f}", f"{calls:.1f}" if r.calls_exact else f"~{calls:.1f}",
        "" if r.waves is None else f"{r.waves:.1f}", _rss(r.rss_mb), f"{r.extra.get('other_cores', 0):.2f}",
    ]


def _rss(rss: dict[str, Any]) -> str:
    workers = "/".join(f"{m:.0f}" for m in rss.get("workers", []))
    return f"{workers} (+{rss['master']:.0f})" if rss.get("master") is not None else workers


def print_table(results: Sequence[RunResult], out: TextIO) -> None:
    rows = [list(_COLUMNS)] + [_cells(r) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    for n, row in enumerate(rows):
        cells = (c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        print("  ".join(cells), file=out)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)


def print_goals(goals: Sequence[Goal], out: TextIO) -> None:
    for g in goals:
        state = "n/a" if g.met is None else ("MET" if g.met else "NOT MET")
        value = "-" if g.value is None else str(g.value)
        print(f"  {g.name:<10} {state:<8} {value:>8}  (want {g.wanted})  {g.detail}", file=out)


def print_linking(figures: dict[str, int], out: TextIO) -> None:
    """Where community records landed against the generator's ground truth."""
    print(f"\nLinking ({figures['pairs']} look-alike pairs, {figures['community_records']} community records): "
          f"{figures['linked']} linked to their owner, {figures['wrong']} wrong links, "
          f"{figures['refused']} true matches refused", file=out)


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, default=str) + "\n")
