"""The resource store each sandbox's data is written into, and small FHIR element helpers."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "ACCESSION_SYSTEM",
    "DOD_ID_SYSTEM",
    "SERVICE_CATEGORY",
    "Chart",
    "FhirStore",
    "b64",
    "coding",
    "concept",
    "ref",
    "service_category",
]

DOD_ID_SYSTEM = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"
ACCESSION_SYSTEM = "urn:mhs:lab-accession"
SERVICE_CATEGORY = "http://terminology.hl7.org/CodeSystem/service-category"
_SERVICES = {
    "PRIMARY_CARE": ("17", "General Practice"),
    "DENTAL": ("10", "Dental"),
    "SPECIALTY": ("27", "Specialist Medical"),
}

Resource = dict[str, Any]


class FhirStore:
    """The resources of one sandbox, with per-prefix counters that make ids stable."""

    def __init__(self) -> None:
        self.resources: list[Resource] = []
        self._counters: dict[str, int] = {}

    def new_id(self, prefix: str) -> str:
        """The next id for `prefix`, e.g. `obs-000042`."""
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}-{n:06d}"

    def add(self, resource: Resource) -> Resource:
        self.resources.append(resource)
        return resource


@dataclass(frozen=True, slots=True)
class Chart:
    """Where one patient's records in one sandbox go, and what they refer to."""

    store: FhirStore
    patient_id: str
    patient_display: str
    tz: ZoneInfo
    custodian: Resource  # reference to the Location or Organization that holds the records
    business_prefix: str  # makes accession numbers and business ids unique to this source
    care_team_id: str | None = None

    @property
    def patient(self) -> Resource:
        return ref("Patient", self.patient_id, self.patient_display)


def ref(resource_type: str, rid: str, display: str | None = None) -> Resource:
    """A Reference, with `display` when given."""
    out: Resource = {"reference": f"{resource_type}/{rid}"}
    if display is not None:
        out["display"] = display
    return out


def coding(system: str, code: str, display: str | None = None) -> Resource:
    out: Resource = {"system": system, "code": code}
    if display is not None:
        out["display"] = display
    return out


def concept(*codings: Resource, text: str | None = None) -> Resource:
    """A CodeableConcept."""
    out: Resource = {"coding": list(codings)}
    if text is not None:
        out["text"] = text
    return out


def service_category(service: str) -> list[Resource]:
    """`serviceCategory` for PRIMARY_CARE, DENTAL or SPECIALTY."""
    code, display = _SERVICES[service]
    return [concept(coding(SERVICE_CATEGORY, code, display))]


def b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")
