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


def _split(raw: str) -> tuple[str, str]:
    """`function (path/to/module.py:line)` -> (function, path)."""
    name, _, where = raw.partition(" (")
    return name, where.rstrip(")").rsplit(":", 1)[0]


def _frame(raw: str) -> str:
    """`function (path/to/module.py:line)` -> `function (package/module.py)`."""
    name, path = _split(raw)
    return f"{name} ({'/'.join(path.split('/')[-2:])})"


_LAYERS = ("gateway", "schema", "resolvers", "sources", "sandbox")
# Inclusive shares of named phases: a sample counts for a phase when any frame matches.
PHASES = {
    "GraphQL validation (graphql-core validate, every request)": "validate (graphql/validation/validate.py",
    "GraphQL parsing": "parse (graphql/language/parser.py",
    "GraphQL execution (graphql-core executor)": "(graphql/execution/",
    "resolvers/ (federation, loaders, rules)": "(resolvers/",
    "sources/ (FHIR and SQL adapters)": "(sources/",
    "aiohttp client (upstream HTTP)": "(aiohttp/client",
    "asyncpg (TOL archive, audit)": "(asyncpg/",
    "sign-in (gateway/auth, PyJWT)": "(gateway/auth/",
    "query limits (gateway/limits)": "(gateway/limits/",
    "audit (gateway/audit)": "(gateway/audit/",
    "socket writes (to PostgreSQL, the sandboxes, clients)": "_SelectorSocketTransport.write (",
    "JSON decoding": "(json/decoder.py",
    "JSON encoding": "(json/encoder.py",
}


def _relative(path: str) -> str:
    """A frame's file relative to its sys.path entry (py-spy prints it so; older ones print it whole)."""
    for marker in ("site-packages/", "/lib/python3"):
        if marker in path:
            rest = path.split(marker, 1)[1]
            return rest.split("/", 1)[1] if marker == "/lib/python3" else rest
    for layer in _LAYERS:
        if f"/{layer}/" in path:
            return layer + "/" + path.split(f"/{layer}/", 1)[1]
    return path


def package(raw: str) -> str:
    """Which distribution, standard-library module or layer of this project a frame's code is in."""
    path = _relative(_split(raw)[1])
    if path.startswith("<"):
        return "generated code (namedtuple and dataclass methods)"
    head = path.split("/", 1)[0].removesuffix(".py")
    if head in _LAYERS:
        return f"{head}/ (this project)"
    if head in sys.stdlib_module_names:
        return f"stdlib {head}"
    return head


def top_costs(collapsed: Path, limit: int = 25) -> dict[str, list[tuple[str, float]]]:
    """Where the sampled (busy: py-spy leaves idle threads out) time went, as shares of all
    samples: by function on top of the stack (self) and anywhere in it (total), and by package."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    own_pkg: Counter[str] = Counter()
    total_pkg: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    samples = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        raw = [f for f in stack.split(";") if f and " (" in f and not f.startswith(("process ", "thread "))]
        if not raw:
            continue
        samples += n
        own[_frame(raw[-1])] += n
        own_pkg[package(raw[-1])] += n
        for f in {_frame(r) for r in raw}:
            total[f] += n
        for p in {package(r) for r in raw}:
            total_pkg[p] += n
        for phase, marker in PHASES.items():
            if marker in stack:
                phases[phase] += n
    scale = 100.0 / samples if samples else 0.0

    def shares(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(k, round(c * scale, 1)) for k, c in counter.most_common(limit)]

    return {"samples": [("busy samples", float(samples))], "self_pct": shares(own), "total_pct": shares(total),
            "self_by_package_pct": shares(own_pkg), "total_by_package_pct": shares(total_pkg),
            "phases_pct": shares(phases)}
