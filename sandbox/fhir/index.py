"""Indexes that answer a search's reference, token and string criteria without testing each resource.

Each index maps what the elements at one set of paths offer (a reference's (type, id) and id, a
token's code and (system, code), a string) to the positions of the resources offering it, in
`ResourceStore.all` order. It is kept with the store's derived values: any write to the type
drops it, and the next search rebuilds it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from .filters import Criterion, codes_of, fold, strings_of
from .paths import reference_key, values_at
from .store import ResourceStore

__all__ = ["candidates"]

Resource = dict[str, Any]
_Index = dict[Any, list[int]]


def _build(resources: list[Resource], paths: tuple[str, ...], keys: Callable[[Any], Iterable[Hashable]]) -> _Index:
    index: dict[Any, list[int]] = defaultdict(list)
    for position, resource in enumerate(resources):
        for key in {k for p in paths for v in values_at(resource, p) for k in keys(v)}:
            index[key].append(position)
    return dict(index)


def _reference_keys(value: Any) -> Iterable[Hashable]:
    """A reference under its (type, id) and under its id alone (a search may give just the id)."""
    key = reference_key(value)
    return () if key is None else (key, key[1])


def _token_keys(value: Any) -> Iterable[Hashable]:
    """A token under its code, and under (system, code) (system None for a plain code)."""
    for pair in codes_of(value):
        yield pair[1]
        yield pair


def _string_keys(value: Any) -> Iterable[Hashable]:
    return strings_of(value)


_KEYS: dict[str, Callable[[Any], Iterable[Hashable]]] = {
    "reference": _reference_keys,
    "token": _token_keys,
    "string": _string_keys,
}


def _lookup(index: _Index, c: Criterion, folded: Callable[[], dict[str, list[str]]]) -> set[int]:
    """The positions of exactly the resources offering one of the criterion's values."""
    positions: set[int] = set()
    for value in c.values:
        for key in _keys_wanted(c, value, folded):
            positions.update(index.get(key, ()))
    return positions


def _keys_wanted(c: Criterion, value: str, folded: Callable[[], dict[str, list[str]]]) -> Iterable[Hashable]:
    """The index keys under which the resources satisfying `value` are, as `satisfies` tests it."""
    kind = c.param.kind
    if kind == "reference":
        key = reference_key(value)
        if key is not None:
            return (key,)
        return [(t, value) for t in c.param.targets] if c.param.targets else (value,)  # an id alone
    if kind == "token":
        if "|" not in value:
            return (value,)
        system, code = value.split("|", 1)
        return ((system, code), (None, code))  # a plain code's system is implied by the element
    if c.modifier == "exact":
        return (value,)
    want = fold(value)
    if c.modifier == "contains":
        return [t for have, texts in folded().items() if want in have for t in texts]
    return [t for have, texts in folded().items() if have.startswith(want) for t in texts]


def _narrows(c: Criterion) -> bool:
    """Whether an index can tell which resources may satisfy `c`."""
    if not c.param.paths:
        return False
    if c.param.kind == "string":
        return c.modifier in (None, "exact", "contains")
    if c.modifier is not None:
        return False
    if c.param.kind == "token":
        return all("|" not in v or v.split("|", 1)[1] for v in c.values)  # `system|` names no code
    return c.param.kind == "reference"


def _folded(index: _Index) -> dict[str, list[str]]:
    """The indexed strings grouped by their folded form."""
    out: dict[str, list[str]] = defaultdict(list)
    for text in index:
        out[fold(text)].append(text)
    return dict(out)


def _positions(store: ResourceStore, rtype: str, c: Criterion, resources: list[Resource]) -> set[int]:
    kind, paths = c.param.kind, c.param.paths
    index = store.derived(rtype, f"{kind}:{paths}", lambda: _build(resources, paths, _KEYS[kind]))
    return _lookup(index, c, lambda: store.derived(rtype, f"folded:{paths}", lambda: _folded(index)))


def candidates(
    store: ResourceStore, resource_type: str, criteria: Iterable[Criterion]
) -> tuple[list[Resource], list[Criterion]]:
    """The resources of a type that may satisfy `criteria`, in insertion order, and the criteria
    the caller must still test them against. An index answers each plain reference, token and
    string criterion exactly (the resources it names are those `satisfies` would keep); every
    other criterion is left to test, and with none indexed every resource is a candidate."""
    resources = store.derived(resource_type, "all", lambda: store.all(resource_type))
    found: set[int] | None = None
    rest: list[Criterion] = []
    for c in criteria:
        if not _narrows(c):
            rest.append(c)
            continue
        positions = _positions(store, resource_type, c, resources)
        found = positions if found is None else found & positions
        if not found:
            return [], []
    if found is None:
        return list(resources), rest
    return [resources[p] for p in sorted(found)], rest
