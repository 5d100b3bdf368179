"""Community practices for the mart: each configured Group's Bulk Data export (the HL7 IG).

A patient's place is the practice that manages them (`Patient.managingOrganization`).
"""

from __future__ import annotations

from ..fhir import mapping as fhir
from ..fhir.bulk import BulkExportClient
from ..fhir.config import FhirSourceConfig
from ..fhir.export import ExportPlan, FhirRecordExport
from ..records import RecordKind
from ..spec import Deps
from .name import COMMUNITY

__all__ = ["COMMUNITY_EXPORT", "community_export"]

COMMUNITY_EXPORT = ExportPlan(
    records={
        "Condition": (RecordKind.CONDITION, fhir.condition),
        "Observation": (RecordKind.LAB_RESULT, fhir.lab_result),
        "MedicationRequest": (RecordKind.PRESCRIPTION, fhir.prescription),
        "Appointment": (RecordKind.APPOINTMENT, fhir.appointment),
    },
    places=("Organization",),
    practices=True,
    type_filters=("Observation?category=laboratory",),
)


def community_export(settings: FhirSourceConfig, groups: tuple[str, ...], deps: Deps) -> FhirRecordExport | None:
    """The export of the configured Groups (none configured: the HIE is not exported)."""
    if not groups:
        return None
    client = BulkExportClient(COMMUNITY, settings, deps.session(), deps.observer)
    return FhirRecordExport(COMMUNITY, client, groups, COMMUNITY_EXPORT)
