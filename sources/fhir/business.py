"""Business ids (lab identity keys, master identifiers) read alone, for exact totals across sources."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import mapping
from .bundle import Bundle

__all__ = ["business_ids", "element_of"]

# resource type -> (the element `_elements` keeps, how the mapping reads the business id from it)
_READERS: dict[str, tuple[str, Callable[[Mapping[str, Any]], str | None]]] = {
    "Observation": (
        "identifier,code,effectiveDateTime,effectiveInstant,effectivePeriod,valueQuantity,valueString",
        mapping.identity,
    ),
    "DocumentReference": ("masterIdentifier", mapping.master_identifier),
    "Appointment": ("identifier", mapping.first_identifier),
    "MedicationRequest": ("identifier", mapping.first_identifier),
    "Condition": ("identifier", mapping.first_identifier),
}


def element_of(resource_type: str) -> str | None:
    """The element holding a resource type's business id, or None if it has none we merge on."""
    reader = _READERS.get(resource_type)
    return reader[0] if reader else None


def business_ids(resource_type: str, bundles: Sequence[Bundle]) -> tuple[str, ...]:
    """The business id of every search hit that has one, read the way the mapping reads it."""
    _, read = _READERS[resource_type]
    found = (read(r) for b in bundles for r in b.matches(resource_type))
    return tuple(x for x in found if x)
