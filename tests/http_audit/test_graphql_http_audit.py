"""The GraphQL over HTTP audit suite (npm `graphql-http`, `serverAudits`) against the real gateway,
signed in as a patient: every audit passes, and none warns."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


async def _audit(url: str, token: str) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "graphql-http").is_dir():
        pytest.fail("the audit needs node and `npm ci` in tests/http_audit (`make setup` does both)")
    process = await asyncio.create_subprocess_exec(
        node, str(HERE / "audit.mjs"), url, token, cwd=HERE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    results: list[dict[str, Any]] = json.loads(out)
    return results


async def test_every_audit_is_ok_and_none_warns(demo_stack: Any) -> None:
    results = await _audit(demo_stack.graphql_url, demo_stack.info()["tokens"]["P1"])
    not_ok = [f"{r['status']}: {r['name']} ({r['reason']})" for r in results if r["status"] != "ok"]
    assert len(results) > 50 and not_ok == [], "\n".join(not_ok)
