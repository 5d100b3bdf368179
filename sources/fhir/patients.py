"""Patients: the DoD ID identifier, identifier searches, and Patient resources as Demographics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..records import Demographics, RecordSource
from .values import day, first_name

__all__ = ["DOD_ID_SYSTEM", "demographics", "dod_id_of", "identifier_list_search", "identifier_search"]

DOD_ID_SYSTEM = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"


def identifier_list_search(dod_ids: Sequence[str]) -> list[tuple[str, str]]:
    """`Patient?identifier=<system>|a,<system>|b`: every DoD ID in one search (generic FHIR servers)."""
    values = ",".join(f"{DOD_ID_SYSTEM}|{d}" for d in sorted(set(dod_ids)))
    return [("identifier", values), ("_count", str(max(10, 2 * len(set(dod_ids)))))]


def identifier_search(dod_id: str) -> list[tuple[str, str]]:
    """`Patient?identifier=<system>|<DoD ID>`: one value, as Millennium takes it (patient.md)."""
    return [("identifier", f"{DOD_ID_SYSTEM}|{dod_id}")]


def dod_id_of(patient: Mapping[str, Any]) -> str | None:
    for ident in patient.get("identifier") or ():
        if isinstance(ident, Mapping) and ident.get("system") == DOD_ID_SYSTEM:
            value = ident.get("value")
            return str(value) if value else None
    return None


def _telecom(patient: Mapping[str, Any], system: str) -> str | None:
    for t in patient.get("telecom") or ():
        if isinstance(t, Mapping) and t.get("system") == system and t.get("value"):
            return str(t["value"])
    return None


def _address(patient: Mapping[str, Any]) -> str | None:
    for a in patient.get("address") or ():
        if not isinstance(a, Mapping):
            continue
        if a.get("text"):
            return str(a["text"])
        parts = [*(a.get("line") or ()), a.get("city"), a.get("state"), a.get("postalCode")]
        text = ", ".join(str(p) for p in parts if p)
        if text:
            return text
    return None


def demographics(source: RecordSource, patient: Mapping[str, Any]) -> Demographics:
    """A Patient resource as the Demographics record."""
    gender = patient.get("gender")
    return Demographics(
        source=source,
        source_id=str(patient.get("id")),
        dod_id=dod_id_of(patient),
        name=first_name(patient.get("name")),
        birth_date=day(patient.get("birthDate")),
        gender=str(gender) if gender else None,
        phone=_telecom(patient, "phone"),
        email=_telecom(patient, "email"),
        address=_address(patient),
    )
