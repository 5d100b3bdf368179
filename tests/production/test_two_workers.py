"""The demo run as production runs it: `mhs-gateway serve --workers 2` with Redis. Rate limits,
persisted queries and metrics are shared by the workers; audit rows keep what the gateway saw, not
what a client claimed; traces leave the workers for a collector with a span per upstream call."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
import pytest_asyncio
import redis.asyncio as redis

from tests.access.conftest import AuditLog, new_request_id
from tests.persisted.conftest import REDIS_URL
from tests.support.limits import GENEROUS_LIMITS
from tests.support.metrics import samples, scrape
from tests.support.otlp import CLIENT, SERVER, Collector
from tests.support.workers import requests_by_worker

if TYPE_CHECKING:
    from gateway.demo.stack import DemoStack

pytestmark = pytest.mark.slow

ANALYST_READS = 6  # per WINDOW seconds: only the limit test signs in as an analyst of its own
WINDOW = 3
RECORD = "{ me { dodId labResults(first: 3) { edges { node { display } } } messageThreads(first: 2) { totalCount } } }"


@dataclass
class Running:
    stack: DemoStack
    metrics_dir: Path
    collector: Collector
    prefix: str


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def running(pg_admin_dsn: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    from gateway.demo.stack import DemoStack

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        await client.ping()
    except (redis.RedisError, OSError):
        pytest.skip("no Redis answering at 127.0.0.1:6379")
    metrics_dir = Path(tmp_path_factory.mktemp("metrics"))
    prefix = f"mhs:rl:test:{uuid.uuid4().hex[:12]}"
    collector = Collector()
    await collector.start()
    env = {**GENEROUS_LIMITS, "MHS_GATEWAY_RATE_LIMIT_ANALYST_READS": f"{ANALYST_READS} per {WINDOW} seconds",
           "REDIS_URL": REDIS_URL, "MHS_GATEWAY_RATE_LIMIT_PREFIX": prefix,
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "MHS_GATEWAY_TRACING": "on",
           "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url, "OTEL_BSP_SCHEDULE_DELAY": "50"}
    stack = DemoStack(port=0, database_url=pg_admin_dsn, fresh_databases=True, today=dt.date.today(),
                      gateway_workers=2, gateway_env=env, mart=False)
    try:
        async with stack:
            yield Running(stack, metrics_dir, collector, prefix)
    finally:
        await collector.stop()
        keys = [key async for key in client.scan_iter(f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def _post(url: str, token: str, query: str, headers: Mapping[str, str] | None = None,
                extensions: Any = None) -> tuple[int, Mapping[str, str], Any]:
    """One request on a connection of its own (so requests spread over the workers)."""
    payload: dict[str, Any] = {"query": query} if query else {}
    if extensions is not None:
        payload["extensions"] = extensions
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as http, http.post(
        url, json=payload, headers={"Authorization": f"Bearer {token}", **(headers or {})}
    ) as response:
        return response.status, response.headers.copy(), await response.json(content_type=None)


Answer = tuple[int, Mapping[str, str], Any]


async def _until_both_workers_answered(running: Running, send: Callable[[], Awaitable[Answer]],
                                       *, at_least: int = 0, within: float = 3.0) -> list[Answer]:
    """Send batches of 4 (each on a new connection) until both workers have answered some of them
    (the kernel hands connections to whichever worker accepts first), and `at_least` were sent."""
    before = requests_by_worker(running.metrics_dir)
    loop = asyncio.get_running_loop()
    until = loop.time() + within
    answers: list[Answer] = []
    while len(requests_by_worker(running.metrics_dir) - before) < 2 or len(answers) < at_least:
        assert loop.time() < until, f"the requests all went to one worker: {requests_by_worker(running.metrics_dir)}"
        answers += await asyncio.gather(*(send() for _ in range(4)))
    return answers



def _letters() -> str:
    """A fresh operation-name suffix of letters only: six digits in a row would make the name
    identifier-shaped, and the persisted-query store refuses such names (gateway/persisted/storable.py)."""
    return uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijklmnop"))


async def test_the_rate_limit_is_shared_answered_429_and_resets(running: Running) -> None:
    stack, url = running.stack, running.stack.graphql_url
    token = stack.issuer.mint("analyst", f"analyst-{uuid.uuid4().hex[:8]}", amr=["cac"],
                              extra_claims={"mhs_project": "readiness-study"})
    query = "{ sources { source state } }"
    answers = await _until_both_workers_answered(running, lambda: _post(url, token, query), at_least=12, within=2.0)
    statuses = [status for status, _, _ in answers]
    # with a count per worker, each would have let ANALYST_READS through
    assert statuses.count(200) == ANALYST_READS and statuses.count(429) == len(statuses) - ANALYST_READS, statuses
    refused = next(a for a in answers if a[0] == 429)
    assert refused[2]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    wait = int(refused[1]["Retry-After"])
    assert 1 <= wait <= WINDOW
    loop = asyncio.get_running_loop()
    until = loop.time() + wait + 1.5
    while (status := (await _post(url, token, query))[0]) == 429:
        assert loop.time() < until, "the budget did not come back within Retry-After"
        await asyncio.sleep(0.1)
    assert status == 200


async def test_a_document_registered_on_one_worker_runs_by_hash_on_every_worker(running: Running) -> None:
    stack = running.stack
    token, url = stack.info()["tokens"]["P1"], stack.graphql_url
    text = f"query Shared{_letters()} {{ me {{ dodId }} }}"
    ext = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(text.encode()).hexdigest()}}
    status, _, _ = await _post(url, token, text, extensions=ext)
    assert status == 200
    hits = await _until_both_workers_answered(running, lambda: _post(url, token, "", extensions=ext))
    answers = {(s, str(b.get("data"))) for s, _, b in hits}
    assert answers == {(200, str({"me": {"dodId": "1000000001"}}))}, [b for _, _, b in hits if not b.get("data")][:2]


async def test_spoofed_forwarding_and_request_ids_change_nothing_in_the_audit_row(running: Running) -> None:
    stack = running.stack
    tokens, url = stack.info()["tokens"], stack.graphql_url
    claimed = new_request_id()
    spoof = {"X-Request-Id": claimed, "X-Forwarded-For": "203.0.113.66, 198.51.100.7"}
    _, mine, _ = await _post(url, tokens["P1"], "{ me { dodId } }", spoof)
    _, theirs, _ = await _post(url, tokens["C1"], '{ patient(dodId: "1000000001") { dodId } }', spoof)
    rows = await AuditLog(stack.info()["gateway_dsn"]).rows(claimed, expect=2)
    assert {r["client_address"] for r in rows} == {"127.0.0.1"}
    assert {r["request_id"] for r in rows} == {mine["X-Request-Id"], theirs["X-Request-Id"]}
    assert all(re.fullmatch(r"[0-9a-f]{32}", r["request_id"]) for r in rows)
    assert {r["client_request_id"] for r in rows} == {claimed}


async def test_metrics_from_two_workers_are_one_consistent_set(running: Running) -> None:
    stack = running.stack
    token = stack.info()["tokens"]["P4"]
    metrics = f"{stack.base_url}/metrics"

    def ok_for(text: str) -> float:
        return sum(v for labels, v in samples(text, "gateway_requests_total")
                   if labels["outcome"] == "ok" and labels["operation"] == "other")

    start = ok_for(await scrape(metrics))
    sent = await _until_both_workers_answered(running, lambda: _post(stack.graphql_url, token, "{ me { dodId } }"),
                                              at_least=20)
    scrapes = [await scrape(metrics) for _ in range(6)]  # each on whichever worker accepts it
    assert {ok_for(text) - start for text in scrapes} == {len(sent)}
    text = scrapes[-1]
    assert samples(text, "gateway_workers") == [({}, 2.0)]
    pids = {int(labels["pid"]) for labels, _ in samples(text, "process_resident_memory_bytes")}
    assert pids == set(requests_by_worker(running.metrics_dir))
    states = {labels["source"]: v for labels, v in samples(text, "gateway_source_state")}
    assert states == {"GENESIS": 1.0, "COMMUNITY": 1.0, "TOL_ARCHIVE": 1.0}


async def test_a_trace_from_a_worker_has_a_span_per_upstream_call(running: Running) -> None:
    stack, collector = running.stack, running.collector
    admins = {name: url.rstrip("/") for name, url in stack.info()["admin"].items()}
    async with aiohttp.ClientSession() as http:
        for admin in admins.values():
            async with http.delete(f"{admin}/requests"):
                pass
        marker = new_request_id()
        status, headers, _ = await _post(stack.graphql_url, stack.info()["tokens"]["P1"], RECORD,
                                         {"X-Request-Id": marker})
        assert status == 200
        loop = asyncio.get_running_loop()
        until = loop.time() + 10
        while not (server := [s for s in collector.spans if s.kind == SERVER
                              and s.attributes.get("mhs.client_request_id") == marker]):
            assert loop.time() < until, "the worker exported no span for the request"
            await asyncio.sleep(0.05)
        recorded = {}
        for name, admin in admins.items():
            async with http.get(f"{admin}/requests") as response:
                recorded[name] = (await response.json())["requests"]
    trace = collector.of_trace(server[0].trace_id)
    assert server[0].service == "mhs-gateway" and server[0].attributes["mhs.request_id"] == headers["X-Request-Id"]
    calls = [s for s in trace if s.kind == CLIENT]
    assert {s.attributes["mhs.source"] for s in calls} == {"GENESIS", "COMMUNITY", "TOL_ARCHIVE"}
    for name, source in (("genesis", "GENESIS"), ("community", "COMMUNITY")):
        ids = {s.span_id for s in calls if s.attributes["mhs.source"] == source}
        assert len(recorded[name]) == len(ids) > 0
        for entry in recorded[name]:
            traceparent = {k.lower(): v for k, v in entry["headers"].items()}["traceparent"]
            _, trace_id, parent, _ = traceparent.split("-")
            assert trace_id == server[0].trace_id and parent in ids
