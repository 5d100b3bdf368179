"""Bundle shapes: searchset pages, their entries and links, and batch responses."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from .store import now_instant

__all__ = ["entry", "new_bundle", "subset"]


def new_bundle(bundle_type: str, entries: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """An empty Bundle of `bundle_type` holding `entries`."""
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": now_instant()},
        "type": bundle_type,
        "entry": list(entries),
    }


def entry(base_url: str, resource: dict[str, Any], mode: str, search: dict[str, Any] | None = None) -> dict[str, Any]:
    """A searchset entry with its fullUrl and `search.mode` (match, include)."""
    return {
        "fullUrl": f"{base_url}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
        "search": {**(search or {}), "mode": mode},
    }


def subset(resource: dict[str, Any], elements: Sequence[str]) -> dict[str, Any]:
    """`_elements`: keep the named top-level elements (plus id and meta), tagged SUBSETTED."""
    keep = {"resourceType", "id", *elements}
    out = {k: v for k, v in resource.items() if k in keep}
    meta = dict(resource.get("meta") or {})
    tag = {"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
           "code": "SUBSETTED"}  # fmt: skip
    meta["tag"] = [*meta.get("tag", []), tag]
    out["meta"] = meta
    return out
