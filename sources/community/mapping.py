"""Community (US Core) specifics: `$match` requests and answers, practices' names.

Clinical resources map through `sources.fhir.mapping` (docs/fhir-conventions.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..agreement import same_person
from ..fhir.bundle import Bundle
from ..fhir.patients import demographics, dod_id_of
from ..fhir.values import ref_id
from ..records import Demographics
from .name import COMMUNITY

__all__ = [
    "LINKABLE_GRADES",
    "MATCH_GRADE_URL",
    "Candidate",
    "candidates",
    "match_parameters",
    "organization_name",
    "other_families",
]

MATCH_GRADE_URL = "http://hl7.org/fhir/StructureDefinition/match-grade"
LINKABLE_GRADES = frozenset({"certain", "probable"})


def match_parameters(who: Demographics, count: int = 5) -> dict[str, Any] | None:
    """The `$match` Parameters for a GENESIS patient; None without birth date and gender."""
    if who.birth_date is None or not who.gender:
        return None  # never match on name alone
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "name": [{"family": who.name.family, "given": list(who.name.given)}],
        "birthDate": who.birth_date.isoformat(),
        "gender": who.gender,
    }
    return {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "resource", "resource": patient},
            {"name": "count", "valueInteger": count},
        ],
    }


@dataclass(frozen=True)
class Candidate:
    """One `$match` answer entry."""

    patient: Mapping[str, Any]
    score: float
    grade: str | None

    @property
    def patient_id(self) -> str:
        return str(self.patient.get("id"))

    @property
    def organization_id(self) -> str | None:
        return ref_id(self.patient.get("managingOrganization"), "Organization")


def _grade(entry: Mapping[str, Any]) -> str | None:
    search = entry.get("search") or {}
    for ext in search.get("extension") or ():
        if isinstance(ext, Mapping) and ext.get("url") == MATCH_GRADE_URL:
            return str(ext.get("valueCode")) if ext.get("valueCode") else None
    return None


def candidates(bundle: Bundle, who: Demographics, dod_id: str, threshold: float) -> list[Candidate]:
    """The linkable entries of a `$match` answer: certain/probable, at or above `threshold`, not
    carrying somebody else's DoD ID, and the same person by the gateway's own rule
    (`sources.agreement.same_person`): the HIE's grade alone never links."""
    out = []
    for entry in bundle.entries():
        patient = entry["resource"]
        if patient.get("resourceType") != "Patient":
            continue
        score = (entry.get("search") or {}).get("score")
        if not isinstance(score, int | float):
            continue
        candidate = Candidate(patient, float(score), _grade(entry))
        if candidate.grade not in LINKABLE_GRADES or candidate.score < threshold:
            continue
        if dod_id_of(patient) not in (None, dod_id):
            continue
        if same_person(who, demographics(COMMUNITY, patient), other_families(patient)):
            out.append(candidate)
    return out


def other_families(patient: Mapping[str, Any]) -> list[str]:
    """Every family name a Patient keeps (official, maiden, old, ...)."""
    return [str(n["family"]) for n in patient.get("name") or () if isinstance(n, Mapping) and n.get("family")]


def organization_name(patient: Mapping[str, Any], names: Mapping[str, str]) -> str | None:
    """The practice that holds `patient`: the Organization's name, or the reference display."""
    reference = patient.get("managingOrganization")
    oid = ref_id(reference, "Organization")
    if oid and names.get(oid):
        return names[oid]
    display = reference.get("display") if isinstance(reference, Mapping) else None
    return str(display) if display else None
