"""Which resources belong to which patients (the Patient compartment), and what they refer to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..params import SEARCH_PARAMS, params_for
from ..paths import reference_key, values_at
from .profile import REFERENCE_TYPES, BulkProfile

__all__ = ["exportable_types", "patient_ids", "references"]

_FALLBACK_PATHS = ("subject", "patient")


def exportable_types(profile: BulkProfile) -> frozenset[str]:
    """The `_type` values `profile` accepts: its list, or every compartment and reference type."""
    if profile.types is not None:
        return profile.types
    compartment = {t for t, params in SEARCH_PARAMS.items() if "patient" in params}
    return frozenset({"Patient", *compartment, *(REFERENCE_TYPES & SEARCH_PARAMS.keys())})


def patient_ids(resource: dict[str, Any]) -> set[str]:
    """The patients a resource belongs to: itself for a Patient, else those its patient
    search parameter points at."""
    rtype = resource["resourceType"]
    if rtype == "Patient":
        return {str(resource["id"])}
    params = params_for(rtype) or {}
    paths = params["patient"].paths if "patient" in params else _FALLBACK_PATHS
    keys = (reference_key(v) for path in paths for v in values_at(resource, path))
    return {key[1] for key in keys if key is not None and key[0] == "Patient"}


def references(value: Any) -> Iterator[tuple[str, str]]:
    """Every resolvable (type, id) referenced anywhere inside `value`."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference":
                found = reference_key(item)
                if found is not None:
                    yield found
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
