"""The in-memory store's bounds, the literal check and the APQ extension parser, without a server."""

from __future__ import annotations

import pytest
from graphql import parse, print_ast

from gateway.persisted import (
    MalformedPersistedQuery,
    MemoryDocumentStore,
    PersistedDocuments,
    PersistedQuery,
    TrustedDocuments,
    UnsupportedVersion,
    has_string_literals,
    persisted_query,
    why_not_storable,
)
from gateway.persisted.request import document_hash


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


@pytest.mark.parametrize(("text", "why"), [
    ("query Labs($n: Int) { me { labResults(first: $n) { totalCount } } }", None),
    ("query Patient1000000001 { me { dodId } }", "an identifier-shaped name"),
    ("{ me { p1000000001: labResults(first: 1) { totalCount } } }", "an identifier-shaped name"),
    ("query($dod1000000001: Int) { me { dodId } }", "an identifier-shaped name"),
    ("{ me { ...Rec20261203 } } fragment Rec20261203 on Patient { dodId }", "an identifier-shaped name"),
    ("{ me { x0a1b2c3d4e5f6a7b8: dodId } }", "an identifier-shaped name"),
    ('{ patient(dodId: "1000000001") { dodId } }', "string literals"),
])
def test_documents_carrying_identifiers_are_not_storable(text: str, why: str | None) -> None:
    assert why_not_storable(parse(text)) == why


async def test_the_store_keeps_the_printed_document_without_comments() -> None:
    store = MemoryDocumentStore(max_entries=10)
    documents = PersistedDocuments(store, TrustedDocuments())
    text = "# ask for P1 (1000000001), Jane Doe's record\nquery Mine {\n  me { dodId } # mine\n}"
    digest = document_hash(text)
    resolved = await documents.resolve(text, {"persistedQuery": {"version": 1, "sha256Hash": digest}})
    assert resolved is not None and await documents.register(resolved, parse(text))
    kept = await store.get(digest)
    assert kept is not None and "#" not in kept and "Jane" not in kept and "1000000001" not in kept
    hit = await documents.resolve(None, {"persistedQuery": {"version": 1, "sha256Hash": digest}})
    assert hit is not None and hit.sha256 == digest and print_ast(parse(hit.text)) == print_ast(parse(text))
