"""Every resource type the Millennium profile serves, with its documented interactions and search."""

from __future__ import annotations

from .catalog_base import BASE_TYPES
from .catalog_clinical import CLINICAL_TYPES
from .rules import TypeRules

__all__ = ["CATALOG", "DOCS_ROOT", "rules_for"]

DOCS_ROOT = "content/millennium/r4/"  # in the cerner/fhir.cerner.com repository

CATALOG: dict[str, TypeRules] = {t.resource_type: t for t in (*BASE_TYPES, *CLINICAL_TYPES)}


def rules_for(resource_type: str) -> TypeRules | None:
    """The rules of a served type; None for a type Millennium does not offer (e.g. Task)."""
    return CATALOG.get(resource_type)
