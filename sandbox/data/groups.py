"""Group resources for bulk export: each facility's enrolled population, each practice's patients.

GENESIS enrols a patient at the facility their primary care team belongs to (the CareTeam's
`urn:mhs:facility` identifier); a community practice's patients are those it manages
(`Patient.managingOrganization`). Every patient is therefore in exactly one group of its sandbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .fhir import FhirStore, ref
from .places import Facility, Organization

__all__ = ["FACILITY_SYSTEM", "add_facility_groups", "add_practice_groups", "group_id"]

FACILITY_SYSTEM = "urn:mhs:facility"
_GROUP_SYSTEM = "urn:mhs:bulk-group"


def group_id(place_id: str) -> str:
    """The Group id of a facility's (Location id) or a practice's (Organization id) population."""
    return f"group-{place_id}"


def add_facility_groups(store: FhirStore, facilities: Iterable[Facility]) -> None:
    """One Group per GENESIS facility: the patients whose primary care team is there."""
    enrolled: dict[str, list[str]] = {}
    for team in _of_type(store, "CareTeam"):
        facility = next((i["value"] for i in team.get("identifier", []) if i.get("system") == FACILITY_SYSTEM), None)
        patient = team.get("subject", {}).get("reference", "")
        if facility is not None and patient.startswith("Patient/"):
            enrolled.setdefault(facility, []).append(patient.split("/", 1)[1])
    for facility in facilities:
        members = enrolled.get(facility.id, [])
        store.add(_group(group_id(facility.id), f"{facility.name}: enrolled population", facility.id, members))


def add_practice_groups(store: FhirStore, practices: Iterable[Organization]) -> None:
    """One Group per community practice: the patients it manages."""
    managed: dict[str, list[str]] = {}
    for patient in _of_type(store, "Patient"):
        org = patient.get("managingOrganization", {}).get("reference", "")
        if org.startswith("Organization/"):
            managed.setdefault(org.split("/", 1)[1], []).append(str(patient["id"]))
    for org in practices:
        group = _group(group_id(org.id), f"{org.name}: patients", org.id, managed.get(org.id, []))
        group["managingEntity"] = ref("Organization", org.id, org.name)
        store.add(group)


def _of_type(store: FhirStore, resource_type: str) -> list[dict[str, Any]]:
    return [r for r in store.resources if r["resourceType"] == resource_type]


def _group(gid: str, name: str, place_id: str, members: list[str]) -> dict[str, Any]:
    group: dict[str, Any] = {
        "resourceType": "Group",
        "id": gid,
        "identifier": [{"system": _GROUP_SYSTEM, "value": place_id}],
        "active": True,
        "type": "person",
        "actual": True,
        "name": name,
        "quantity": len(members),
    }
    if members:
        group["member"] = [{"entity": ref("Patient", pid)} for pid in members]
    return group
