"""`mhs-gateway demo` as a real process: ready with an info file, clean exit on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from gateway.demo.ports import free_port
from tests.demo.processes import gone, postgres_serving
from tests.support import gql

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PERSONAS = {"P1", "P2", "P3", "P4", "C1", "C2", "A1"}
READY_WITHIN = 120.0
_SCRIPT = Path(sys.executable).parent / "mhs-gateway"
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "gateway.cli"]
STOP_WITHIN = 30.0


class DemoProcess:
    """One `python -m gateway.cli demo` child, its output kept in files."""

    def __init__(self, tmp_path: Path, *extra: str, own_group: bool = False) -> None:
        self.port = free_port()
        self.info_file = tmp_path / "demo-info.json"
        self.out = (tmp_path / "demo.out").open("w+")
        command = [*COMMAND, "demo", "--port", str(self.port)]
        command += ["--info-file", str(self.info_file), *extra]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self.out, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=own_group)

    def output(self) -> str:
        self.out.flush()
        self.out.seek(0)
        return self.out.read()

    def wait_for_info(self) -> dict[str, Any]:
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            if self.info_file.exists():
                info: dict[str, Any] = json.loads(self.info_file.read_text())
                return info
            if self.process.poll() is not None:
                pytest.fail(f"demo exited with {self.process.returncode}:\n{self.output()}")
            time.sleep(0.2)
        pytest.fail(f"no info file within {READY_WITHIN:.0f}s:\n{self.output()}")

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(STOP_WITHIN)

    def close(self) -> None:
        if self.process.poll() is None:  # a failed test: still stop cleanly, kill only if stuck
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_WITHIN)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.out.close()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoProcess]:
    process = DemoProcess(tmp_path)
    yield process
    process.close()


@pytest.fixture
def big_demo(tmp_path: Path) -> Iterator[DemoProcess]:
    process = DemoProcess(tmp_path, "--patients", "50")
    yield process
    process.close()


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


async def _assert_answers(info: dict[str, Any]) -> None:
    status, body = await gql(info["graphql_url"], "{ __typename }", token=info["tokens"]["P1"])
    assert status == 200, body
    assert body["data"] == {"__typename": "Query"}


async def test_demo_starts_answers_and_stops_leaving_nothing_behind(demo: DemoProcess) -> None:
    info = demo.wait_for_info()

    assert set(info["tokens"]) == PERSONAS
    assert info["graphql_url"] == f"http://127.0.0.1:{demo.port}/graphql"
    assert set(info["sources"]) == {"genesis", "community", "tol_dsn"}
    assert set(info["admin"]) == {"genesis", "community"}
    await _assert_answers(info)
    printed = demo.output()
    assert "GraphiQL" in printed
    assert all(f'"Authorization": "Bearer {token}"' in printed for token in info["tokens"].values())
    server = postgres_serving(info["sources"]["tol_dsn"])
    assert server is not None, "the demo's archive is not served by an embedded PostgreSQL"

    assert demo.terminate() == 0
    assert gone(server.pid)
    assert not server.data_dir.exists()
    assert not server.data_dir.parent.exists()
    assert not demo.info_file.exists()
    assert _port_is_free(demo.port)
    assert "Demo stopped" in demo.output()


async def test_demo_with_extra_patients_is_ready_and_stops_cleanly(big_demo: DemoProcess) -> None:
    info = big_demo.wait_for_info()

    await _assert_answers(info)
    server = postgres_serving(info["sources"]["tol_dsn"])
    assert server is not None

    assert big_demo.terminate() == 0
    assert gone(server.pid)
    assert not server.data_dir.parent.exists()


def test_ctrl_c_stops_the_demo_too(demo: DemoProcess) -> None:
    info = demo.wait_for_info()
    server = postgres_serving(info["sources"]["tol_dsn"])
    assert server is not None

    demo.process.send_signal(signal.SIGINT)
    assert demo.process.wait(STOP_WITHIN) == 0
    assert gone(server.pid)
    assert not server.data_dir.parent.exists()


@pytest.fixture
def two_worker_demo(tmp_path: Path) -> Iterator[DemoProcess]:
    process = DemoProcess(tmp_path, "--workers", "2", own_group=True)  # a terminal's Ctrl-C reaches its group
    yield process
    process.close()


async def test_demo_with_two_workers_serves_and_stops_on_ctrl_c(two_worker_demo: DemoProcess) -> None:
    info = two_worker_demo.wait_for_info()
    await _assert_answers(info)
    assert "served by 2 worker processes" in two_worker_demo.output()
    family = psutil.Process(two_worker_demo.process.pid).children(recursive=True)
    serving = [p for p in family if "serve" in " ".join(p.cmdline())]
    assert serving, "no `mhs-gateway serve` process"
    server = postgres_serving(info["sources"]["tol_dsn"])
    assert server is not None

    os.killpg(two_worker_demo.process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    assert two_worker_demo.process.wait(STOP_WITHIN) == 0
    assert all(gone(p.pid) for p in family)
    assert gone(server.pid) and not server.data_dir.parent.exists()
    assert _port_is_free(two_worker_demo.port)
    assert "Demo stopped" in two_worker_demo.output()


def test_a_taken_port_is_reported_not_crashed_on(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(
            [*COMMAND, "demo", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=READY_WITHIN,
        )
    assert result.returncode == 1
    assert f"{port}" in result.stderr
    assert "Traceback" not in result.stderr
