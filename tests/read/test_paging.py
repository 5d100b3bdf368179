"""Paging: exact totals with merged duplicates, limits on `first`, and cursors that hold."""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
import asyncpg

from sources.base import Page, PageRequest, Position, Query
from sources.calls.observe import NullObserver
from sources.genesis import GENESIS, GenesisSource
from sources.records import Link, PatientKey, RecordKind
from sources.tol import TolSource
from tests.read.conftest import Ask

LABS = """query($first: Int!, $after: String) { me { labResults(first: $first, after: $after) { totalCount
    pageInfo { hasNextPage endCursor } edges { node { id provenance { source alsoIn } } } } } }"""


async def _all_pages(ask: Ask, persona: str, query: str, field: str, first: int) -> tuple[list[Any], set[int]]:
    nodes: list[Any] = []
    totals: set[int] = set()
    after = None
    for _ in range(40):
        status, body = await ask(persona, query, {"first": first, "after": after})
        assert status == 200 and "errors" not in body, body
        conn = body["data"]["me"][field]
        totals.add(conn["totalCount"])
        nodes += [e["node"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            return nodes, totals
        after = conn["pageInfo"]["endCursor"]
    raise AssertionError("the list never ended")


async def test_p1_labs_list_the_shared_accession_once_and_no_total_is_guessed(ask: Ask) -> None:
    for first in (100, 3):
        nodes, totals = await _all_pages(ask, "P1", LABS, "labResults", first)
        ids = [n["id"] for n in nodes]
        assert len(ids) == len(set(ids))
        # Millennium gives no total on a paged search (Observation pages by cursor): null, not a guess.
        assert totals == {None}, (first, totals, len(nodes))
        assert sum(1 for n in nodes if n["provenance"]["alsoIn"]) == 1


async def test_first_above_the_limit_and_a_tampered_cursor_are_bad_input(ask: Ask) -> None:
    _, body = await ask("P1", "{ me { labResults(first: 101) { totalCount } } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    _, page = await ask("P1", LABS, {"first": 2, "after": None})
    cursor = page["data"]["me"]["labResults"]["pageInfo"]["endCursor"]
    raw = bytearray(base64.urlsafe_b64decode(cursor))
    raw[len(raw) // 2] ^= 0x01  # one bit flipped inside the signed body
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode()
    _, body = await ask("P1", LABS, {"first": 2, "after": tampered})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Traceback" not in str(body)


class _Entries:
    """Counts the search hits in every FHIR answer a session receives (a transport-level probe)."""

    def __init__(self) -> None:
        self.bodies: list[bytearray] = []
        self.trace = aiohttp.TraceConfig()
        self.trace.on_request_start.append(self._start)
        self.trace.on_response_chunk_received.append(self._chunk)

    async def _start(self, _s: Any, ctx: Any, _p: Any) -> None:
        ctx.body = bytearray()
        self.bodies.append(ctx.body)

    async def _chunk(self, _s: Any, ctx: Any, params: Any) -> None:
        ctx.body.extend(params.chunk)

    def hits(self) -> int:
        total = 0
        for body in self.bodies:
            try:
                bundle = json.loads(bytes(body))
            except ValueError:
                continue
            inner = [e.get("resource") or {} for e in bundle.get("entry") or ()]
            batch = bundle.get("type") == "batch-response"
            nested = [b for b in inner if b.get("resourceType") == "Bundle"] if batch else []
            for b in nested or [bundle]:
                total += sum(1 for e in b.get("entry") or () if (e.get("search") or {}).get("mode") == "match")
        self.bodies.clear()
        return total


class _CountingPool:
    """An asyncpg pool stand-in that counts the rows each statement returned."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self.rows: list[int] = []

    async def fetch(self, *args: Any, **kwargs: Any) -> list[Any]:
        rows = await self._pool.fetch(*args, **kwargs)
        self.rows.append(len(rows))
        return list(rows)


async def _walk(source: Any, link: Link, first: int, pages: int) -> list[Page]:
    out: list[Page] = []
    after: Position | None = None
    for _ in range(pages):
        (page,) = await source.fetch(RecordKind.LAB_RESULT, [Query(link, PageRequest(first, after))])
        assert isinstance(page, Page) and page.items
        out.append(page)
        last = page.items[-1]
        after = Position(last.sort_time, last.provenance.source_id)  # type: ignore[union-attr]
    return out


async def test_a_late_page_asks_each_source_for_what_the_first_page_asks(demo_stack: Any) -> None:
    probe = _Entries()
    config = demo_stack.config.source(GENESIS).config.fhir
    async with aiohttp.ClientSession(trace_configs=[probe.trace]) as session:
        genesis = GenesisSource(config, session, NullObserver())
        (link,) = await genesis.link([PatientKey("1000000003")])
        assert isinstance(link, Link)
        probe.hits()
        hits = []
        after: Position | None = None
        for _ in range(6):
            (page,) = await genesis.fetch(RecordKind.LAB_RESULT, [Query(link, PageRequest(20, after))])
            assert isinstance(page, Page) and len(page.items) == 20
            hits.append(probe.hits())
            last = page.items[-1]
            after = Position(last.sort_time, last.provenance.source_id)  # type: ignore[union-attr]
    # Page 1 reads first + 1 hits; later pages one more (the record at the position: `le`).
    assert hits == [21] + [22] * 5, hits

    pool = await asyncpg.create_pool(demo_stack.info()["sources"]["tol_dsn"], min_size=1, max_size=2)
    try:
        counting = _CountingPool(pool)
        tol = TolSource(counting, NullObserver())  # type: ignore[arg-type]
        (account,) = await tol.link([PatientKey("1000000003")])
        assert isinstance(account, Link)
        counting.rows.clear()
        await _walk(tol, account, 2, 5)
        assert counting.rows == [3] * 5  # every page reads first + 1 rows, page 5 as page 1
    finally:
        await pool.close()


THREADS_TOTAL = "{ me { messageThreads(first: 2) { totalCount } } }"
THREADS_TOTAL_IN_FRAGMENTS = """{ me {
    a: messageThreads(first: 2) { ...Counted }
    b: messageThreads(first: 2) { ... on MessageThreadConnection { totalCount } } } }
fragment Counted on MessageThreadConnection { totalCount }"""


async def test_a_total_asked_inside_a_fragment_is_counted_as_when_asked_directly(ask: Ask) -> None:
    _, direct = await ask("P1", THREADS_TOTAL)
    total = direct["data"]["me"]["messageThreads"]["totalCount"]
    assert isinstance(total, int) and total > 0, direct
    _, body = await ask("P1", THREADS_TOTAL_IN_FRAGMENTS)
    assert "errors" not in body, body
    assert body["data"]["me"]["a"]["totalCount"] == body["data"]["me"]["b"]["totalCount"] == total
