"""Ninety seconds of users and faults (each source down, slow, throttled, garbled; PostgreSQL
restarted; a worker killed; the audit table unwritable) against two workers: nothing acknowledged is
lost or doubled, no slot double-booked, every answer with health data audited, no 5xx but the
fail-closed 503, nothing hung, and memory bounded."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _row(table: str, name: str) -> str:
    found = re.search(rf"^\s*{re.escape(name)}\s+(.+)$", table, re.MULTILINE)
    assert found, (name, table)
    return found.group(1).strip()


@pytest.mark.slow
async def test_ninety_seconds_of_faults_lose_nothing() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.soak", "--seconds", "90", "--patients", "12", "--hold", "5", "--quiet", "3",
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=400)
    table = output.decode()
    assert process.returncode == 0, table
    assert int(_row(table, "faults injected")) >= 9  # every kind of fault, once at least
    for row in ("lost writes", "duplicated writes", "double-booked slots", "unaudited answers",
                "5xx other than the fail-closed 503", "hung requests"):
        assert _row(table, row) == "0", (row, table)
    assert int(_row(table, "writes acknowledged")) > 50 and int(_row(table, "answers with health data")) > 500
    killed = int(_row(table, "a gateway worker killed (SIGKILL)"))
    assert killed >= 1
    # two workers, and a new one for each killed (the resource tracker and zombies are not counted)
    assert int(_row(table, "gateway worker processes seen")) >= 2 + killed, table
    growth = float(_row(table, "largest worker RSS / growth").rsplit("x", 1)[1])
    assert growth < 1.5, table
