"""Sampling one gateway worker under load with py-spy: where its CPU goes, top functions first."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

__all__ = ["ensure_py_spy", "record", "top_costs"]


def ensure_py_spy() -> str:
    """py-spy's path, installed into this virtualenv from PyPI when missing."""
    here = Path(sys.executable).with_name("py-spy")
    if here.exists():
        return str(here)
    found = shutil.which("py-spy")
    if found:
        return found
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "py-spy"], check=True)
    return str(here)


async def record(py_spy: str, pid: int, seconds: float, out: Path) -> Path:
    """Collapsed stacks of `pid` for `seconds` (`py-spy record --format raw`)."""
    process = await asyncio.create_subprocess_exec(
        py_spy, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))), "--rate", "200",
        "--format", "raw", "--nonblocking", "--output", str(out),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"py-spy failed: {err.decode(errors='replace')[-1000:]}")
    return out


def _frame(raw: str) -> str:
    """`function (path/to/module.py:line)` -> `function (package/module.py)`."""
    name, _, where = raw.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    parts = path.split("/")
    return f"{name} ({'/'.join(parts[-2:])})"


def top_costs(collapsed: Path, limit: int = 25) -> dict[str, list[tuple[str, float]]]:
    """The functions with the most samples: on top of the stack (self) and anywhere in it (total),
    as shares of all samples; idle samples (the event loop waiting) are counted apart."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    idle = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_frame(f) for f in stack.split(";") if f and not f.startswith(("process ", "thread "))]
        samples += n
        if frames and frames[-1].startswith(("select (", "poll (", "_run_once")):
            idle += n
            continue
        if frames:
            own[frames[-1]] += n
        for f in set(frames):
            total[f] += n
    scale = 100.0 / samples if samples else 0.0
    return {
        "samples": [("all", float(samples)), ("idle (event loop waiting)", round(idle * scale, 1))],
        "self_pct": [(f, round(c * scale, 1)) for f, c in own.most_common(limit)],
        "total_pct": [(f, round(c * scale, 1)) for f, c in total.most_common(limit)],
    }
