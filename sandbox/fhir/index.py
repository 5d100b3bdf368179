"""Reference indexes that narrow a search to the resources a reference criterion can match."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .filters import Criterion
from .paths import reference_key, values_at
from .store import ResourceStore

__all__ = ["candidates"]

_Index = tuple[dict[tuple[str, str], list[int]], dict[str, list[int]]]


def _build(resources: list[dict[str, Any]], paths: tuple[str, ...]) -> _Index:
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_id: dict[str, list[int]] = defaultdict(list)
    for position, resource in enumerate(resources):
        for key in {reference_key(v) for p in paths for v in values_at(resource, p)}:
            if key is not None:
                by_key[key].append(position)
                by_id[key[1]].append(position)
    return dict(by_key), dict(by_id)


def candidates(store: ResourceStore, resource_type: str, criteria: tuple[Criterion, ...]) -> list[dict[str, Any]]:
    """The resources of a type that may satisfy `criteria`, in insertion order: those indexed
    under the values of the first plain reference criterion, or all of them."""
    resources = store.all(resource_type)
    criterion = next((c for c in criteria if c.param.kind == "reference" and c.modifier is None), None)
    if criterion is None:
        return resources
    param = criterion.param
    by_key, by_id = store.derived(resource_type, f"ref:{param.name}", lambda: _build(resources, param.paths))
    positions: set[int] = set()
    for value in criterion.values:
        key = reference_key(value)
        positions.update(by_key.get(key, ()) if key is not None else by_id.get(value, ()))
    return [resources[p] for p in sorted(positions)]
