"""A clinician denied a patient learns nothing of whether the patient exists: the gateway sends the
sources the same requests and takes the same time for an enrolled patient as for an unknown DoD ID."""

from __future__ import annotations

import statistics
import time
from typing import Any

import aiohttp

from tests.access.conftest import code
from tests.support.gql import gql

QUERY = "query($d: String!) { patient(dodId: $d) { dodId } }"
ENROLLED = ["1000000001", "1000000002", "1000000003", "1000000004"]  # none on C2's care teams
UNKNOWN = ["1999999991", "1999999992", "1999999993", "1999999994"]


async def _recorded(http: aiohttp.ClientSession, admin: dict[str, str]) -> dict[str, int]:
    """Each sandbox's last request number (the recorder's `seq`)."""
    out = {}
    for name, url in admin.items():
        async with http.get(f"{url}/requests", params={"limit": "1"}) as response:
            found = (await response.json())["requests"]
            out[name] = found[-1]["seq"] if found else 0
    return out


async def _sent(http: aiohttp.ClientSession, admin: dict[str, str], since: dict[str, int]) -> list[tuple[str, ...]]:
    """What the gateway asked each sandbox after `since`: (sandbox, method, resource type), sorted."""
    out = []
    for name, url in admin.items():
        async with http.get(f"{url}/requests", params={"since": str(since[name])}) as response:
            for entry in (await response.json())["requests"]:
                out.append((name, entry["method"], entry["path"].split("/fhir/", 1)[-1].split("/")[0]))
    return sorted(out)


async def _deny(demo_stack: Any, dod_id: str) -> float:
    started = time.perf_counter()
    status, body = await gql(demo_stack, QUERY, {"d": dod_id}, token=demo_stack.info()["tokens"]["C2"])
    elapsed = time.perf_counter() - started
    assert status == 200 and code(body) == "FORBIDDEN" and body["data"] == {"patient": None}, body
    return elapsed


async def test_a_denial_asks_the_sources_the_same_whether_the_patient_exists(demo_stack: Any) -> None:
    admin = demo_stack.info()["admin"]
    for dod_id in ENROLLED[:2] + UNKNOWN[:2]:  # process-wide caches (facility names) warmed first
        await _deny(demo_stack, dod_id)
    async with aiohttp.ClientSession() as http:
        shapes = []
        for dod_id in (ENROLLED[0], UNKNOWN[0], ENROLLED[1], UNKNOWN[1]):
            since = await _recorded(http, admin)
            await _deny(demo_stack, dod_id)
            shapes.append(await _sent(http, admin, since))
    assert shapes[0] == shapes[1] == shapes[2] == shapes[3], shapes
    assert ("genesis", "GET", "CareTeam") in shapes[1]  # the unknown one reads a (decoy) care team too


async def test_denial_times_do_not_tell_enrolled_from_unknown(demo_stack: Any) -> None:
    for dod_id in ENROLLED + UNKNOWN:  # warm every path and cache
        await _deny(demo_stack, dod_id)
    enrolled, unknown = [], []
    for _ in range(6):  # interleaved, so drift on a shared machine hits both alike
        for a, b in zip(ENROLLED, UNKNOWN, strict=True):
            enrolled.append(await _deny(demo_stack, a))
            unknown.append(await _deny(demo_stack, b))
    ratio = statistics.median(enrolled) / statistics.median(unknown)
    assert 0.75 < ratio < 1.33, (statistics.median(enrolled), statistics.median(unknown))
