"""A request on a reused (keep-alive) connection is answered as fast as the connection's first one,
both by the demo's in-loop server and by `mhs-gateway serve --workers 2`.

With Nagle's algorithm left on, each response after a connection's first waited for the client's
delayed ACK (about 40 ms on Linux) while the first took a millisecond. The check is a ratio on one
connection, so a busy machine slows both sides of it alike.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gateway.app import create_app
from gateway.config import Config
from gateway.demo.serve import InLoopServer
from sandbox.issuer import Issuer

from .conftest import base_env, no_sources

_REUSED = 15
_MAX_RATIO = 4.0  # Nagle's delay made it 20-50x


def _first_and_reused(port: int, path: str = "/healthz") -> tuple[float, float]:
    """Seconds for a new connection's first request, and the median of the next ones on it."""
    for _ in range(4):  # warm every worker: a cold first answer is not what is compared
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        warm.request("GET", path)
        warm.getresponse().read()
        warm.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times = []
    try:
        for _ in range(1 + _REUSED):
            began = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            times.append(time.perf_counter() - began)
            assert response.status == 200
    finally:
        conn.close()
    return times[0], statistics.median(times[1:])


def _assert_no_keepalive_penalty(first: float, reused: float) -> None:
    assert reused <= _MAX_RATIO * first, (
        f"reused connection {reused * 1000:.1f} ms vs first request {first * 1000:.1f} ms"
    )


async def test_the_demo_server_answers_reused_connections_without_delay(
    make_config: Callable[..., Config],
) -> None:
    server = InLoopServer(host="127.0.0.1", port=0)
    await server.start(create_app(make_config(), services_factory=no_sources))
    try:
        first, reused = await asyncio.to_thread(_first_and_reused, server.port)
    finally:
        await server.stop()
    _assert_no_keepalive_penalty(first, reused)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _serving(issuer: Issuer, port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {**base_env(issuer), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env, cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(process: subprocess.Popen[bytes], port: int, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise AssertionError(f"mhs-gateway serve exited with {process.returncode}: {stderr[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("mhs-gateway serve did not answer /healthz in time")


async def test_serve_with_two_workers_answers_reused_connections_without_delay(issuer: Issuer) -> None:
    port = _free_port()

    def measure() -> tuple[float, float]:
        with _serving(issuer, port, workers=2) as process:
            _wait_until_healthy(process, port)
            return _first_and_reused(port)

    first, reused = await asyncio.to_thread(measure)
    _assert_no_keepalive_penalty(first, reused)
