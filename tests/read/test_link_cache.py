"""The short link cache: a returning patient's next request skips linking (no identifier search, no
`$match`), keeps only record ids (never who the patient is), and never serves anyone but the patient."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import aiohttp
import pytest

from resolvers.link_cache import LinkCache
from sources.errors import SourceUnavailable
from sources.records import Demographics, HumanName, Link, LinkedRef
from tests.support.gql import gql
from tests.support.metrics import samples, scrape
from tests.support.recorder import forget_requests, recorded_requests

P1 = "1000000001"
READ = "{ me { name { text } labResults(first: 1) { edges { node { id } } } } }"
BY_CLINICIAN = "query W($d: String!) { patient(dodId: $d) { name { text } } }"


def _who(source: str) -> Demographics:
    return Demographics(source, "p-1", P1, HumanName(("Jordan",), "Castillo"), dt.date(1993, 4, 17), "female",
                        phone="910-555-0142")


def test_it_keeps_record_ids_and_how_they_matched_never_demographics() -> None:
    cache = LinkCache(60)
    genesis = Link("GENESIS", P1, (LinkedRef("p-1"),), _who("GENESIS"))
    community = Link("COMMUNITY", P1, (LinkedRef("c-9", 0.97, "org-1", _who("COMMUNITY")),), _who("COMMUNITY"))
    cache.put(P1, {"GENESIS": genesis, "COMMUNITY": community, "TOL_ARCHIVE": Link("TOL_ARCHIVE", P1)})
    kept = cache.get(P1)
    assert kept is not None
    assert kept["GENESIS"] == Link("GENESIS", P1, (LinkedRef("p-1"),))
    assert kept["COMMUNITY"] == Link("COMMUNITY", P1, (LinkedRef("c-9", 0.97, "org-1"),))
    assert not kept["TOL_ARCHIVE"].linked  # "not there" is kept too: asked again after the TTL
    assert "Castillo" not in repr(kept) and "910-555" not in repr(kept)


def test_links_where_a_source_failed_are_not_kept() -> None:
    cache = LinkCache(60)
    failed = SourceUnavailable("COMMUNITY", "patient")
    cache.put(P1, {"GENESIS": Link("GENESIS", P1, (LinkedRef("p-1"),)), "COMMUNITY": failed})
    assert cache.get(P1) is None and len(cache) == 0


def test_entries_expire_after_the_configured_seconds() -> None:
    now = [1000.0]
    cache = LinkCache(30, clock=lambda: now[0])
    cache.put(P1, {"GENESIS": Link("GENESIS", P1, (LinkedRef("p-1"),))})
    now[0] += 29
    assert cache.get(P1) is not None
    now[0] += 2
    assert cache.get(P1) is None


@pytest.mark.parametrize(("seconds", "size"), [(0, 10), (-1, 10), (10, 0)])
def test_a_cache_that_keeps_nothing_is_refused(seconds: float, size: int) -> None:
    with pytest.raises(ValueError):
        LinkCache(seconds, size)


async def _routes(session: aiohttp.ClientSession, admin: str, request_id: str) -> Counter[str]:
    """What the sandbox was asked for one gateway request (its X-Request-Id: background work such
    as the mart's export asks too)."""
    found = [r for r in await recorded_requests(session, admin)
             if {k.lower(): v for k, v in r["headers"].items()}.get("x-request-id") == request_id]
    return Counter(f"{r['path'].rsplit('/', 1)[-1]}?{'&'.join(k for k, _ in r['query'])}" for r in found)


async def _twice(demo_stack: Any, persona: str, query: str, variables: Any = None,
                 headers: Any = None) -> tuple[list[Any], dict[str, Counter[str]]]:
    """The query twice in a row; the bodies and what each sandbox was asked the second time."""
    info = demo_stack.info()
    bodies, request_id = [], ""
    sent = {"Authorization": f"Bearer {info['tokens'][persona]}", **(headers or {})}
    async with aiohttp.ClientSession() as session:
        for _ in range(2):
            for admin in info["admin"].values():
                await forget_requests(session, admin)
            payload = {"query": query, "variables": variables or {}}
            async with session.post(info["graphql_url"], json=payload, headers=sent) as resp:
                body = await resp.json()
                assert resp.status == 200 and "errors" not in body, body
                request_id = resp.headers["X-Request-Id"]
            bodies.append(body)
        second = {name: await _routes(session, admin, request_id) for name, admin in info["admin"].items()}
    return bodies, second


async def _lookups(demo_stack: Any) -> dict[str, float]:
    text = await scrape(str(demo_stack.info()["graphql_url"]).rsplit("/graphql", 1)[0] + "/metrics")
    return {labels["result"]: value for labels, value in samples(text, "gateway_link_cache_lookups_total")}


async def test_a_returning_patient_is_not_linked_again_and_still_sees_their_name(demo_stack: Any) -> None:
    before = await _lookups(demo_stack)
    (first, again), asked = await _twice(demo_stack, "P1", READ)
    after = await _lookups(demo_stack)
    assert after.get("hit", 0) >= before.get("hit", 0) + 1  # operators see the hits (and misses)
    assert again == first  # the same name, the same labs
    genesis, community = asked["genesis"], asked["community"]
    assert genesis["Patient?identifier"] == 0, genesis  # no identifier search ...
    assert genesis["Patient?_id&_count"] == 1, genesis  # ... the name read by id, beside the labs
    assert not any(route.startswith(("Patient", "$match")) for route in community), community
    assert any(route.startswith("Observation") for route in community), community


async def test_a_clinician_is_never_answered_from_it(demo_stack: Any) -> None:
    await gql(demo_stack, READ, token=demo_stack.info()["tokens"]["P1"])  # P1's links are kept now
    glass = {"X-Break-Glass-Reason": "link cache test"}
    _, asked = await _twice(demo_stack, "C2", BY_CLINICIAN, {"d": P1}, headers=glass)
    assert asked["genesis"]["Patient?identifier"] == 1, asked["genesis"]  # linked again, as for anyone
