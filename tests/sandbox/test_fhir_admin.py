"""The sandbox FHIR server's admin surface: request counts and injected faults."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from .conftest import Fhir


async def admin(fhir: Fhir, method: str, path: str, body: Any = None) -> Any:
    async with fhir.http.request(method, f"{fhir.server.admin_url}/{path}", json=body) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def test_stats_count_fhir_requests_by_path_and_reset(fhir: Fhir) -> None:
    await admin(fhir, "POST", "stats/reset")
    await fhir.get("Observation", {"patient": "p1"})
    await fhir.get("Observation", {"patient": "p2"})
    await fhir.get("Patient/p1")
    await fhir.get("Patient/nobody")
    await admin(fhir, "GET", "faults")  # admin calls are not counted
    stats = await admin(fhir, "GET", "stats")
    assert stats["requests"] == 4
    assert stats["by_path"] == {"/fhir/Observation": 2, "/fhir/Patient/{id}": 2}
    reset = await admin(fhir, "POST", "stats/reset")
    assert reset["requests"] == 0
    assert (await admin(fhir, "GET", "stats"))["by_path"] == {}


async def test_an_injected_500_is_an_operation_outcome_until_cleared(fhir: Fhir) -> None:
    faults = await admin(fhir, "PUT", "faults", {"error_status": 500})
    assert faults["error_status"] == 500
    status, body, _ = await fhir.get("Patient/p1")
    assert (status, body["resourceType"]) == (500, "OperationOutcome")
    await admin(fhir, "DELETE", "faults")
    assert (await fhir.get("Patient/p1"))[0] == 200


async def test_an_injected_429_carries_retry_after(fhir: Fhir) -> None:
    await admin(fhir, "PUT", "faults", {"error_status": 429, "error_rate": 1.0})
    status, body, headers = await fhir.get("Observation", {"patient": "p1"})
    assert (status, headers["Retry-After"]) == (429, "1")
    assert body["issue"][0]["code"] == "throttled"


async def test_an_error_rate_fails_that_share_of_requests(fhir: Fhir) -> None:
    await admin(fhir, "PUT", "faults", {"error_status": 503, "error_rate": 0.5})
    statuses = [(await fhir.get("Patient/p1"))[0] for _ in range(8)]
    assert sorted(statuses) == [200] * 4 + [503] * 4


async def test_partial_fault_bodies_merge_and_bad_ones_are_refused(fhir: Fhir) -> None:
    await admin(fhir, "PUT", "faults", {"latency_ms": 5})
    faults = await admin(fhir, "PUT", "faults", {"error_status": 503})
    assert (faults["latency_ms"], faults["error_status"]) == (5, 503)
    async with fhir.http.put(f"{fhir.server.admin_url}/faults", json={"colour": 1}) as response:
        assert response.status == 400
    async with fhir.http.put(f"{fhir.server.admin_url}/faults", json={"error_rate": 3}) as response:
        assert response.status == 400


async def test_latency_makes_a_short_deadline_miss(fhir: Fhir) -> None:
    await admin(fhir, "PUT", "faults", {"latency_ms": 1500})
    with pytest.raises(asyncio.TimeoutError):
        async with asyncio.timeout(0.2):
            await fhir.get("Patient/p1")
    await admin(fhir, "DELETE", "faults")
    assert (await fhir.get("Patient/p1"))[0] == 200


async def test_down_resets_connections_token_endpoint_included(fhir: Fhir) -> None:
    await admin(fhir, "PUT", "faults", {"down": True})
    with pytest.raises(aiohttp.ClientConnectionError):
        await fhir.get("Patient/p1")
    with pytest.raises(aiohttp.ClientConnectionError):
        await fhir.http.post(fhir.server.token_url, data={})
    assert (await admin(fhir, "GET", "faults"))["down"] is True  # the admin surface stays up
    await admin(fhir, "DELETE", "faults")
    assert (await fhir.get("Patient/p1"))[0] == 200


@pytest.mark.parametrize("garbage", [True, "html"])
async def test_garbage_answers_are_not_json(fhir: Fhir, garbage: Any) -> None:
    await admin(fhir, "PUT", "faults", {"garbage": garbage})
    async with fhir.http.get(f"{fhir.server.base_url}/Patient/p1", headers=fhir.headers) as resp:
        text = await resp.text()
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


async def test_post_garbage_switches_garbage_on(fhir: Fhir) -> None:
    async with fhir.http.post(f"{fhir.server.admin_url}/garbage") as response:
        assert (await response.json())["garbage"] == "truncated"
    async with fhir.http.get(f"{fhir.server.base_url}/Patient/p1", headers=fhir.headers) as resp:
        with pytest.raises((json.JSONDecodeError, aiohttp.ContentTypeError)):
            await resp.json()
