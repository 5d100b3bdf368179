"""Patients, practitioners, facilities, practices and care teams as FHIR resources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .fhir import DOD_ID_SYSTEM, FhirStore, ref
from .places import Facility, Organization, Staff

__all__ = [
    "Person",
    "add_care_team",
    "add_location",
    "add_organization",
    "add_practitioner",
    "patient_resource",
]

_TIMEZONE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/timezone"


@dataclass(frozen=True, slots=True)
class Person:
    """A patient's demographics as one source holds them."""

    given: tuple[str, ...]
    family: str
    birth_date: dt.date
    gender: str  # FHIR administrative gender: male, female
    phone: str
    email: str | None
    line: str
    city: str
    state: str
    postal: str
    country: str = "US"

    @property
    def display(self) -> str:
        return f"{' '.join(self.given)} {self.family}"


def patient_resource(
    pid: str,
    person: Person,
    *,
    dod_id: str | None,
    mrn: tuple[str, str] | None = None,
    organization: Organization | None = None,
) -> dict[str, Any]:
    """A Patient; the DoD ID identifier only when `dod_id` is given; `mrn` is (system, value)."""
    identifiers: list[dict[str, Any]] = []
    if dod_id is not None:
        identifiers.append({"use": "official", "system": DOD_ID_SYSTEM, "value": dod_id})
    if mrn is not None:
        identifiers.append({"use": "usual", "system": mrn[0], "value": mrn[1]})
    telecom: list[dict[str, Any]] = [{"system": "phone", "value": person.phone, "use": "mobile"}]
    if person.email is not None:
        telecom.append({"system": "email", "value": person.email, "use": "home"})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": pid,
        "identifier": identifiers,
        "active": True,
        "name": [{"use": "official", "family": person.family, "given": list(person.given)}],
        "telecom": telecom,
        "gender": person.gender,
        "birthDate": person.birth_date.isoformat(),
        "address": [
            {
                "use": "home",
                "line": [person.line],
                "city": person.city,
                "state": person.state,
                "postalCode": person.postal,
                "country": person.country,
            }
        ],
    }
    if organization is not None:
        resource["managingOrganization"] = ref("Organization", organization.id, organization.name)
    return resource


def add_practitioner(store: FhirStore, staff: Staff) -> None:
    store.add(
        {
            "resourceType": "Practitioner",
            "id": staff.id,
            "active": True,
            "name": [{"use": "official", "family": staff.family, "given": list(staff.given)}],
            "qualification": [{"code": {"text": staff.qualification}}],
            "extension": [{"url": "urn:mhs:practitioner-role", "valueString": staff.role}],
        }
    )


def add_location(store: FhirStore, facility: Facility) -> None:
    store.add(
        {
            "resourceType": "Location",
            "id": facility.id,
            "status": "active",
            "name": facility.name,
            "alias": [facility.short],
            "mode": "instance",
            "extension": [{"url": _TIMEZONE_EXTENSION, "valueCode": facility.tz.key}],
            "address": {
                "city": facility.city,
                "state": facility.state,
                "postalCode": facility.postal,
                "country": facility.country,
            },
        }
    )


def add_organization(store: FhirStore, org: Organization) -> None:
    store.add(
        {
            "resourceType": "Organization",
            "id": org.id,
            "active": True,
            "name": org.name,
            "type": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                            "code": "prov",
                            "display": "Healthcare Provider",
                        }
                    ]
                }
            ],
            "extension": [{"url": _TIMEZONE_EXTENSION, "valueCode": org.tz.key}],
            "address": [{"city": org.city, "state": org.state, "country": "US"}],
        }
    )


def add_care_team(store: FhirStore, team_id: str, patient: dict[str, Any], facility: Facility, team_name: str) -> None:
    """The patient's primary care team; its identifier names the facility (Location id)."""
    members = (facility.pcm, facility.nurse)
    store.add(
        {
            "resourceType": "CareTeam",
            "id": team_id,
            "status": "active",
            "identifier": [{"system": "urn:mhs:facility", "value": facility.id}],
            "name": team_name,
            "subject": patient,
            "participant": [
                {"role": [{"text": m.role}], "member": ref("Practitioner", m.id, m.display)} for m in members
            ],
        }
    )
