"""The shared FHIR client against a real sandbox server: auth, paging, batch, faults, breaker."""

from __future__ import annotations

import aiohttp
import pytest

from sources.calls.deadline import deadline_scope
from sources.errors import SourceTimeout, SourceUnavailable, UpstreamRejected
from sources.fhir import BreakerState, FhirClient, FhirSourceConfig
from sources.genesis import GENESIS

from .support import Recorder, clear_faults, config_for, lab, patient, reset_stats, running, set_faults, stats

DATA = [
    patient("p1", "Rivera", "Ana", "1985-04-12", "female", "1000000001"),
    *[lab(f"o{n}", "p1", f"2024-01-0{n}T09:00:00-05:00") for n in range(1, 6)],
]


def client_for(server, http: aiohttp.ClientSession, **overrides) -> tuple[FhirClient, Recorder]:
    observer = Recorder()
    return FhirClient(GENESIS, config_for(server, **overrides), http, observer), observer


async def test_one_token_serves_many_searches(http: aiohttp.ClientSession) -> None:
    async with running(DATA) as server:
        client, observer = client_for(server, http)
        for _ in range(4):
            bundle = await client.search("lab_result", "Observation", [("patient", "p1")])
            assert len(bundle.matches("Observation")) == 5
        counts = await stats(http, server)
        assert counts["token_requests"] == 1
        assert counts["requests"] == 4
        assert [c[1:] for c in observer.calls].count(("lab_result", "200")) == 4


async def test_search_all_follows_next_links(http: aiohttp.ClientSession) -> None:
    async with running(DATA) as server:
        client, _ = client_for(server, http)
        bundle = await client.search_all("lab_result", "Observation", [("patient", "p1"), ("_count", "2")])
        assert sorted(r["id"] for r in bundle.matches("Observation")) == ["o1", "o2", "o3", "o4", "o5"]
        assert (await stats(http, server))["requests"] == 3


async def test_batch_keeps_a_failed_entry_to_itself(http: aiohttp.ClientSession) -> None:
    async with running(DATA) as server:
        client, _ = client_for(server, http)
        results = await client.batch("lab_result", [("GET", "Observation?patient=p1"), ("GET", "Nothing?x=1")])
        assert results[0]["resourceType"] == "Bundle"
        assert isinstance(results[1], UpstreamRejected)
        assert (await stats(http, server))["requests"] == 1


async def test_server_error_is_unavailable_without_the_query_string(http: aiohttp.ClientSession) -> None:
    async with running(DATA) as server:
        client, _ = client_for(server, http)
        await client.search("lab_result", "Observation", [("patient", "p1")])
        await set_faults(http, server, error_status=500)
        with pytest.raises(UpstreamRejected) as caught:
            await client.search("lab_result", "Observation", [("patient", "p1"), ("identifier", "1000000001")])
        assert caught.value.status == 500
        assert "1000000001" not in str(caught.value) and "?" not in str(caught.value)


async def test_down_server_is_unavailable(http: aiohttp.ClientSession) -> None:
    async with running(DATA) as server:
        client, _ = client_for(server, http, retries=1)
        await set_faults(http, server, down=True)
        with pytest.raises(SourceUnavailable):
            await client.search("lab_result", "Observation", [("patient", "p1")])
    with pytest.raises(SourceUnavailable):  # stopped: connection refused
        await client.search("lab_result", "Observation", [("patient", "p1")])


async def test_latency_beyond_the_deadline_is_a_timeout(http: aiohttp.ClientSession) -> None:
    async with running(DATA) as server:
        client, observer = client_for(server, http)
        await client.search("lab_result", "Observation", [("patient", "p1")])
        await set_faults(http, server, latency_ms=2000)
        with deadline_scope(0.3), pytest.raises(SourceTimeout):
            await client.search("lab_result", "Observation", [("patient", "p1")])
        assert observer.calls[-1][2] == "timeout"


async def test_429_is_retried_after_retry_after(http: aiohttp.ClientSession) -> None:
    async with running(DATA) as server:
        client, observer = client_for(server, http)
        await client.search("lab_result", "Observation", [("patient", "p1")])  # token in hand
        await set_faults(http, server, error_status=429, error_rate=0.5)
        await client.search("lab_result", "Observation", [("patient", "p1")])  # 1st of 2: passes
        bundle = await client.search("lab_result", "Observation", [("patient", "p1")])  # 429, then ok
        assert len(bundle.matches()) == 5
        assert [c[2] for c in observer.calls[-2:]] == ["429", "200"]


async def test_429_is_not_waited_for_past_the_deadline(http: aiohttp.ClientSession) -> None:
    async with running(DATA) as server:
        client, _ = client_for(server, http)
        await client.search("lab_result", "Observation", [("patient", "p1")])
        await set_faults(http, server, error_status=429)
        with deadline_scope(0.5), pytest.raises(UpstreamRejected) as caught:
            await client.search("lab_result", "Observation", [("patient", "p1")])
        assert caught.value.status == 429


@pytest.mark.parametrize("garbage", ["truncated", "html"])
async def test_garbage_is_an_unreadable_answer(http: aiohttp.ClientSession, garbage: str) -> None:
    async with running(DATA) as server:
        client, _ = client_for(server, http)
        await client.search("lab_result", "Observation", [("patient", "p1")])
        await set_faults(http, server, garbage=garbage)
        with pytest.raises(SourceUnavailable, match="unreadable answer"):
            await client.search("lab_result", "Observation", [("patient", "p1")])


async def test_breaker_opens_after_failures_and_fails_fast(http: aiohttp.ClientSession) -> None:
    async with running(DATA) as server:
        client, _ = client_for(server, http, breaker_failures=2, breaker_reset=60.0)
        await client.search("lab_result", "Observation", [("patient", "p1")])
        await set_faults(http, server, error_status=500)
        for _ in range(2):
            with pytest.raises(UpstreamRejected):
                await client.search("lab_result", "Observation", [("patient", "p1")])
        assert client.breaker_state is BreakerState.OPEN
        await clear_faults(http, server)
        await reset_stats(http, server)
        with pytest.raises(SourceUnavailable, match="circuit open"):
            await client.search("lab_result", "Observation", [("patient", "p1")])
        assert (await stats(http, server))["requests"] == 0


async def test_breaker_probes_and_closes_when_the_source_is_back(http: aiohttp.ClientSession) -> None:
    async with running(DATA) as server:
        client, _ = client_for(server, http, breaker_failures=1, breaker_reset=0.05)
        await set_faults(http, server, error_status=502)
        with pytest.raises(UpstreamRejected):
            await client.search("lab_result", "Observation", [("patient", "p1")])
        await clear_faults(http, server)
        while client.breaker_state is BreakerState.OPEN:
            await __import__("asyncio").sleep(0.02)
        bundle = await client.search("lab_result", "Observation", [("patient", "p1")])
        assert len(bundle.matches()) == 5
        assert client.breaker_state is BreakerState.CLOSED


def test_config_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="base_url"):
        FhirSourceConfig("not a url", "http://x/token", "c", "-----BEGIN PRIVATE KEY-----", "k")
    with pytest.raises(ValueError, match="max_concurrency"):
        FhirSourceConfig("http://x/fhir", "http://x/token", "c", "-----BEGIN PRIVATE KEY-----", "k",
                         max_concurrency=0)  # fmt: skip
