"""The resources one export delivers, taken from the store in one go at kick-off (a snapshot).

The store never changes a stored dict in place (a write replaces it), so holding the dicts
found now keeps the export exactly as the data stood at `transactionTime`, however long the
job takes to write its files.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..filters import satisfies
from ..outcome import NotFound
from ..store import ResourceStore
from .compartment import patient_ids, references
from .kickoff import ExportRequest
from .profile import REFERENCE_TYPES

__all__ = ["group_members", "select"]

Resource = dict[str, Any]


def group_members(store: ResourceStore, group_id: str) -> list[str]:
    """The Patient ids of an actual Group's active members; NotFound for an unknown group."""
    group = store.get("Group", group_id)
    if group is None:
        raise NotFound(f"Group/{group_id} is not known")
    out: list[str] = []
    for member in group.get("member") or []:
        ref = str((member.get("entity") or {}).get("reference", ""))
        if member.get("inactive") is not True and ref.startswith("Patient/"):
            out.append(ref.split("/", 1)[1])
    return out


def select(store: ResourceStore, members: Iterable[str], request: ExportRequest) -> dict[str, list[Resource]]:
    """Per exported type (in the request's order), the resources that go into the files."""
    wanted = set(members)
    chosen: dict[str, list[Resource]] = {}
    for rtype in request.types:
        if rtype == "Patient":
            found = [p for pid in dict.fromkeys(members) if (p := store.get("Patient", pid)) is not None]
        elif rtype in REFERENCE_TYPES:
            continue  # once the clinical data is known
        else:
            found = [r for r in store.all(rtype) if patient_ids(r) & wanted]
        chosen[rtype] = found
    referenced = {key for items in chosen.values() for r in items for key in references(r)}
    for rtype in request.types:
        if rtype in REFERENCE_TYPES:
            ids = dict.fromkeys(rid for t, rid in sorted(referenced) if t == rtype)
            chosen[rtype] = [r for rid in ids if (r := store.get(rtype, rid)) is not None]
    return {rtype: [r for r in chosen[rtype] if _passes(r, request)] for rtype in request.types}


def _passes(resource: Resource, request: ExportRequest) -> bool:
    if request.since is not None and _last_updated(resource) < request.since:
        return False
    filters = request.filters.get(resource["resourceType"])
    if not filters:
        return True
    return any(all(satisfies(resource, c) for c in criteria) for criteria in filters)


def _last_updated(resource: Resource) -> datetime:
    return datetime.fromisoformat(str(resource["meta"]["lastUpdated"]))
