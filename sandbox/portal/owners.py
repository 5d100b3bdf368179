"""The portal's resources by the patient they belong to, kept with the store's derived values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sandbox.fhir.paths import reference_key
from sandbox.fhir.store import ResourceStore

__all__ = ["owned_by"]

Resource = dict[str, Any]


def owned_by(store: ResourceStore, resource_type: str, owner: str, patients: Collection[str]) -> list[Resource]:
    """The resources whose `owner` element references one of `patients`, in the store's order."""
    index = store.derived(resource_type, f"portal-owner:{owner}", lambda: _index(store.all(resource_type), owner))
    return [r for _, r in sorted((pair for p in set(patients) for pair in index.get(p, ())), key=lambda x: x[0])]


def _index(resources: list[Resource], owner: str) -> dict[str, list[tuple[int, Resource]]]:
    out: dict[str, list[tuple[int, Resource]]] = defaultdict(list)
    for position, resource in enumerate(resources):
        key = reference_key(resource.get(owner))
        if key is not None and key[0] == "Patient":
            out[key[1]].append((position, resource))
    return dict(out)
