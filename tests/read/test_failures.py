"""A failing source does not fail the query: the rest comes back, coverage and errors say which."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests.read.conftest import Ask
from tests.support.recovery import sources_recovered

QUERY = """{ me { sourceCoverage { source state }
    labResults(first: 50) { edges { node { provenance { source } } } } } }"""


@pytest_asyncio.fixture(loop_scope="session")
async def faults(demo_stack: Any) -> AsyncIterator[Any]:
    """set(name, **fault) injects a fault into a sandbox; every fault is cleared afterwards."""
    admin = demo_stack.info()["admin"]
    async with aiohttp.ClientSession() as session:

        async def set_fault(name: str, **fault: Any) -> None:
            async with session.put(f"{admin[name]}/faults", json=fault) as resp:
                assert resp.status < 300

        yield set_fault
        for url in admin.values():
            async with session.delete(f"{url}/faults") as resp:
                assert resp.status < 300
    assert await sources_recovered(demo_stack), "the sources did not come back for the tests that follow"


@pytest.mark.parametrize(
    ("fault", "state", "code"),
    [
        ({"down": True}, "UNAVAILABLE", "SOURCE_UNAVAILABLE"),
        ({"error_status": 500, "error_rate": 1.0}, "UNAVAILABLE", "SOURCE_UNAVAILABLE"),
        ({"garbage": True}, "UNAVAILABLE", "SOURCE_UNAVAILABLE"),
        ({"latency_ms": 15000}, "TIMED_OUT", "SOURCE_TIMEOUT"),
    ],
)
async def test_community_failure_leaves_the_rest(
    ask: Ask, faults: Any, fault: dict[str, Any], state: str, code: str
) -> None:
    await faults("community", **fault)
    status, body = await ask("P1", QUERY)
    assert status == 200, body
    me = body["data"]["me"]
    coverage = {c["source"]: c["state"] for c in me["sourceCoverage"]}
    assert coverage["COMMUNITY"] == state
    assert coverage["GENESIS"] == "OK" and coverage["TOL_ARCHIVE"] == "OK"
    sources = {e["node"]["provenance"]["source"] for e in me["labResults"]["edges"]}
    assert "GENESIS" in sources and "TOL_ARCHIVE" in sources and "COMMUNITY" not in sources
    errors = [e for e in body["errors"] if e["extensions"].get("source") == "COMMUNITY"]
    assert errors and all(e["extensions"]["code"] == code for e in errors)
    assert all("path" in e and e["path"] for e in errors)
    assert all("Traceback" not in e["message"] for e in body["errors"])


async def test_genesis_down_still_serves_the_archive(ask: Ask, faults: Any) -> None:
    await faults("genesis", down=True)
    status, body = await ask("P1", QUERY)
    assert status == 200, body
    me = body["data"]["me"]
    coverage = {c["source"]: c["state"] for c in me["sourceCoverage"]}
    assert coverage["GENESIS"] == "UNAVAILABLE"
    assert coverage["TOL_ARCHIVE"] == "OK"
    assert {e["node"]["provenance"]["source"] for e in me["labResults"]["edges"]} >= {"TOL_ARCHIVE"}
