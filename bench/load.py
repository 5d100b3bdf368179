"""One wrk run: write the data file for its request list, run wrk, read the figures it prints."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .processes import tree_cpu

__all__ = ["HttpRequest", "LoadResult", "ensure_wrk", "lua_data", "run_wrk"]

SCRIPT = Path(__file__).resolve().parent / "wrk" / "rotate.lua"


@dataclass(frozen=True)
class HttpRequest:
    """One prepared request: method, path (with query string), headers, body."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: str | None = None


@dataclass(frozen=True)
class LoadResult:
    """What wrk measured, plus its own CPU seconds."""

    requests: int
    seconds: float
    bad_status: int
    graphql_errors: int
    apq_misses: int
    socket_errors: int
    timeouts: int
    latency_ms: dict[str, float]
    wrk_cpu_s: float
    first_error: str = ""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        return self.bad_status + self.graphql_errors + self.socket_errors + self.timeouts


def ensure_wrk() -> str:
    """wrk's path; installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install -y wrk", flush=True)
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, check=False, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
        subprocess.run(install, check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk could not be installed")
    return found


def _lua_string(value: str) -> str:
    level = 1
    while f"]{'=' * level}]" in value:
        level += 1
    eq = "=" * level
    return f"[{eq}[{value}]{eq}]"


def _lua_request(r: HttpRequest) -> str:
    headers = ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in r.headers.items())
    body = _lua_string(r.body) if r.body is not None else "nil"
    method, path = _lua_string(r.method), _lua_string(r.path)
    return f"{{ method = {method}, path = {path}, headers = {{ {headers} }}, body = {body} }}"


def lua_data(requests: Sequence[HttpRequest], register: HttpRequest | None) -> str:
    """The data file the Lua script loads."""
    lines = ["return {", "  requests = {"]
    lines += [f"    {_lua_request(r)}," for r in requests]
    lines.append("  },")
    if register is not None:
        lines.append(f"  register = {_lua_request(register)},")
    lines.append("}")
    return "\n".join(lines) + "\n"


async def run_wrk(
    wrk: str,
    url: str,
    data_file: Path,
    *,
    connections: int,
    seconds: float,
    threads: int | None = None,
) -> LoadResult:
    """Run wrk against `url` for `seconds` with `connections` keep-alive connections."""
    threads = threads or min(connections, 2)
    argv = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
            "-s", str(SCRIPT), url, "--", str(data_file)]
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    cpu: dict[int, float] = {}

    async def watch() -> None:  # wrk's CPU: sampled until it exits (a dead process has no /proc)
        while process.returncode is None:
            cpu.update(tree_cpu(process.pid))
            await asyncio.sleep(0.25)

    watcher = asyncio.create_task(watch())
    out, err = await process.communicate()
    watcher.cancel()
    text = out.decode(errors="replace")
    line = next((ln for ln in text.splitlines() if ln.startswith("WRK_RESULT ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.decode(errors='replace')[-2000:]}{text[-2000:]}")
    raw: dict[str, Any] = json.loads(line.removeprefix("WRK_RESULT "))
    latency = {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()}
    return LoadResult(
        requests=raw["requests"], seconds=raw["duration_us"] / 1e6, bad_status=raw["bad_status"],
        graphql_errors=raw["graphql_errors"], apq_misses=raw["apq_misses"],
        socket_errors=raw["socket_errors"], timeouts=raw["timeouts"], latency_ms=latency,
        wrk_cpu_s=round(sum(cpu.values()), 3), first_error=raw.get("first_error", ""),
    )
