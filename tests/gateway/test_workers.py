"""`mhs-gateway serve --workers 2`: one consistent set of metrics, whichever worker is scraped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests.support.metrics import samples, scrape
from tests.support.workers import Workers, requests_by_worker, serve_workers

pytestmark = pytest.mark.slow

ME = {"query": "{ me { dodId } }"}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def workers(demo_stack: Any, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Workers]:
    async with serve_workers(demo_stack, Path(tmp_path_factory.mktemp("workers"))) as running:
        yield running


async def _spread(url: str, token: str, count: int) -> None:
    """`count` requests, each on a new connection, a few at a time: every worker gets some."""
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as http:
        async def one() -> None:
            async with http.post(f"{url}/graphql", json=ME, headers={"Authorization": f"Bearer {token}"}) as resp:
                assert resp.status == 200, await resp.text()

        for _ in range(count // 4):
            await asyncio.gather(*(one() for _ in range(4)))


def _total(text: str, **match: str) -> float:
    return sum(v for labels, v in samples(text, "gateway_requests_total")
               if all(labels.get(k) == want for k, want in match.items()))


async def test_every_scrape_shows_all_workers_counts(demo_stack: Any, workers: Workers) -> None:
    await _spread(workers.url, demo_stack.info()["tokens"]["P1"], 40)
    per_worker = requests_by_worker(workers.metrics_dir)
    assert len(per_worker) == 2 and all(per_worker.values()), per_worker  # both served some
    scrapes = [await scrape(f"{workers.url}/metrics") for _ in range(6)]
    assert {_total(text, outcome="ok") for text in scrapes} == {40}
    text = scrapes[-1]
    assert samples(text, "gateway_workers") == [({}, 2.0)]
    pids = {labels["pid"] for labels, _ in samples(text, "process_resident_memory_bytes")}
    assert len(pids) == 2 and {int(p) for p in pids} == set(per_worker)
    states = {labels["source"]: v for labels, v in samples(text, "gateway_source_state")}
    assert states == {"GENESIS": 1.0, "COMMUNITY": 1.0, "TOL_ARCHIVE": 1.0}
