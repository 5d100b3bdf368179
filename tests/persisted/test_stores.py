"""The in-memory store's bounds, the literal check and the APQ extension parser, without a server."""

from __future__ import annotations

import pytest
from graphql import parse

from gateway.persisted import (
    MalformedPersistedQuery,
    MemoryDocumentStore,
    PersistedQuery,
    UnsupportedVersion,
    has_string_literals,
    persisted_query,
)


async def test_memory_store_drops_the_least_recently_used() -> None:
    store = MemoryDocumentStore(max_entries=2)
    await store.put("a", "{ a }")
    await store.put("b", "{ b }")
    assert await store.get("a") == "{ a }"  # "a" is now the most recently used
    await store.put("c", "{ c }")
    assert (await store.get("a"), await store.get("b"), await store.get("c")) == ("{ a }", None, "{ c }")
    assert len(store) == 2


async def test_memory_store_is_bounded_by_size_too() -> None:
    store = MemoryDocumentStore(max_entries=100, max_chars=10)
    await store.put("a", "x" * 6)
    await store.put("b", "y" * 6)  # 12 characters: "a" goes
    assert await store.get("a") is None and await store.get("b") == "y" * 6
    await store.put("huge", "z" * 11)  # larger than the whole store: not kept, nothing dropped
    assert await store.get("huge") is None and await store.get("b") == "y" * 6


@pytest.mark.parametrize(("text", "found"), [
    ("query($id: String!) { patient(dodId: $id) { dodId } }", False),
    ("{ me { labResults(first: 5) { totalCount } } }", False),
    ('{ patient(dodId: "1000000001") { dodId } }', True),
    ('query($c: String = "cursor") { me { labResults(after: $c) { totalCount } } }', True),
    ('{ me { labResults(after: """block""") { totalCount } } }', True),
])
def test_string_literals_are_found(text: str, found: bool) -> None:
    assert has_string_literals(parse(text)) is found


def test_the_extension_parser() -> None:
    digest = "A" * 64
    assert persisted_query({}) is None
    assert persisted_query({"persistedQuery": {"version": 1, "sha256Hash": digest}}) == PersistedQuery("a" * 64)
    with pytest.raises(UnsupportedVersion):
        persisted_query({"persistedQuery": {"version": 2, "sha256Hash": digest}})
    with pytest.raises(MalformedPersistedQuery):
        persisted_query({"persistedQuery": {"version": 1, "sha256Hash": digest + "0"}})
