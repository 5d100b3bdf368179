"""What a FHIR server's CapabilityStatement says it does: interactions per type, kinds it cannot serve."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..records import RecordKind
from .kinds import KindSpec

__all__ = ["interactions", "missing_kinds"]


def interactions(statement: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Resource type -> the interaction codes the server's `rest[mode=server]` lists for it."""
    out: dict[str, frozenset[str]] = {}
    for rest in statement.get("rest") or ():
        if not isinstance(rest, Mapping) or rest.get("mode", "server") != "server":
            continue
        for resource in rest.get("resource") or ():
            if isinstance(resource, Mapping) and isinstance(resource.get("type"), str):
                codes = {str(i.get("code")) for i in resource.get("interaction") or () if isinstance(i, Mapping)}
                out[resource["type"]] = out.get(resource["type"], frozenset()) | codes
    return out


def missing_kinds(
    statement: Mapping[str, Any], kinds: Mapping[RecordKind, KindSpec], server: str
) -> dict[RecordKind, str]:
    """The kinds whose resource type the server does not search (`search-type`), with why."""
    offered = interactions(statement)
    return {
        kind: f"{server}'s FHIR API does not search {spec.resource_type}"
        for kind, spec in kinds.items()
        if "search-type" not in offered.get(spec.resource_type, frozenset())
    }
