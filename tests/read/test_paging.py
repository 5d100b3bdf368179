"""Paging: exact totals with merged duplicates, limits on `first`, and cursors that hold."""

from __future__ import annotations

from typing import Any

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


async def test_p1_lab_total_counts_the_shared_accession_once(ask: Ask) -> None:
    for first in (100, 3):
        nodes, totals = await _all_pages(ask, "P1", LABS, "labResults", first)
        ids = [n["id"] for n in nodes]
        assert len(ids) == len(set(ids))
        assert totals == {len(nodes)}, (first, totals, len(nodes))
        assert sum(1 for n in nodes if n["provenance"]["alsoIn"]) == 1
