"""GENESIS for the mart: each configured Group's Bulk Data export, as Millennium offers it.

Millennium's `_type` list has Encounter but not Appointment, so visits come from Encounters;
labs are the laboratory Observations (`_typeFilter`); a patient's facility is where their
primary care team is (the CareTeam's facility identifier), as the clinicians' access rule reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..fhir import mapping as fhir
from ..fhir.bulk import BulkExportClient
from ..fhir.config import FhirSourceConfig
from ..fhir.encounters import visit
from ..fhir.export import ExportPlan, FhirRecordExport
from ..fhir.values import ref_id
from ..records import RecordKind
from ..spec import Deps
from .mapping import facility_id
from .name import GENESIS

__all__ = ["GENESIS_EXPORT", "genesis_export"]


def _enrolment(team: Mapping[str, Any]) -> tuple[str, str] | None:
    patient = ref_id(team.get("subject"), "Patient")
    facility = facility_id(team)
    return (patient, facility) if patient and facility and team.get("status") != fhir.ENTERED_IN_ERROR else None


GENESIS_EXPORT = ExportPlan(
    records={
        "Condition": (RecordKind.CONDITION, fhir.condition),
        "Observation": (RecordKind.LAB_RESULT, fhir.lab_result),
        "MedicationRequest": (RecordKind.PRESCRIPTION, fhir.prescription),
        "Encounter": (RecordKind.APPOINTMENT, visit),
    },
    places=("Location",),
    enrolment_type="CareTeam",
    enrolment=_enrolment,
    type_filters=("Observation?category=laboratory",),
    on_genesis=True,
)


def genesis_export(settings: FhirSourceConfig, groups: tuple[str, ...], deps: Deps) -> FhirRecordExport | None:
    """The export of the configured Groups (none configured: GENESIS is not exported)."""
    if not groups:
        return None
    client = BulkExportClient(GENESIS, settings, deps.session(), deps.observer)
    return FhirRecordExport(GENESIS, client, groups, GENESIS_EXPORT)
