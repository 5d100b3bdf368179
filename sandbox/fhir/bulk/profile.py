"""How one sandbox's bulk export behaves: Oracle Health Millennium's Group export, or the plain IG.

`MILLENNIUM` follows fhir.cerner.com's Bulk Data pages (Group export only, its `_type` list,
`includeAssociatedData`, one running export per client, files behind a 307 to a pre-signed
URL); `BULK_IG` is the HL7 Bulk Data Access IG v2 as a community HIE would offer it (Group and
Patient export, files served directly with the bearer token). The timing fields make a job take
a few short steps so pollers really wait; tests shorten or lengthen them with `replace`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BULK_IG", "MILLENNIUM", "OUTPUT_FORMATS", "REFERENCE_TYPES", "BulkProfile"]

OUTPUT_FORMATS = frozenset({"application/fhir+ndjson", "application/ndjson", "ndjson"})
REFERENCE_TYPES = frozenset({"Location", "Organization", "Practitioner"})


@dataclass(frozen=True)
class BulkProfile:
    """The vendor rules and the timing of one server's `$export`."""

    name: str
    patient_export: bool
    """`Patient/$export` (every patient) is offered as well as `Group/[id]/$export`."""
    types: frozenset[str] | None
    """The `_type` values accepted; None: every patient-compartment and reference type held."""
    reference_needs_companion: bool
    """A `_type` of only reference types (Location, Organization, Practitioner) is refused."""
    group_scope: bool
    """Kick-off needs read access to Group as well as to every exported type."""
    redirect_files: bool
    """File URLs answer 307 to a short-lived pre-signed URL that takes no Authorization."""
    one_job_per_client: bool
    """A client's second kick-off while its first export still runs is refused with 429."""
    associated_data: frozenset[str] = frozenset()
    """`includeAssociatedData` values accepted; empty: the parameter is not supported."""
    type_filter_excluded_types: frozenset[str] = frozenset()
    type_filter_excluded_params: frozenset[str] = frozenset()
    file_lines: int = 500
    """At most this many resources per NDJSON file: larger types are split over several."""
    step_seconds: float = 0.05
    """The job writes one file per step, with this pause before each step."""
    retry_after: int = 1
    """Seconds in the `Retry-After` of an in-progress status answer."""
    link_seconds: int = 60
    """How long a pre-signed file URL stays valid."""
    retention_days: int = 30
    """The completed export's `Expires`."""


# fhir.cerner.com, Group Export: the `_type` valid values.
_MILLENNIUM_TYPES = frozenset(
    {
        "AllergyIntolerance", "CarePlan", "CareTeam", "Condition", "Device", "DiagnosticReport",
        "DocumentReference", "Encounter", "Goal", "Immunization", "Location", "MedicationRequest",
        "Patient", "Procedure", "Observation", "Organization", "Practitioner", "Provenance",
    }
)  # fmt: skip

# ... and the search parameters `_typeFilter` does not take.
_MILLENNIUM_FILTER_EXCLUDED = frozenset(
    {
        "_count", "_contained", "_containedType", "_elements", "_id", "_include", "_lastUpdated",
        "_revinclude", "_sort", "_summary", "_total", "encounter", "identifier", "patient", "subject",
    }
)  # fmt: skip

MILLENNIUM = BulkProfile(
    name="millennium",
    patient_export=False,
    types=_MILLENNIUM_TYPES,
    reference_needs_companion=True,
    group_scope=False,  # "The authorization token does NOT require the Group.read scope."
    redirect_files=True,
    one_job_per_client=True,
    associated_data=frozenset({"LatestProvenanceResources", "RelevantProvenanceResources"}),
    type_filter_excluded_types=frozenset({"Location", "Organization", "Patient", "Practitioner", "Provenance"}),
    type_filter_excluded_params=_MILLENNIUM_FILTER_EXCLUDED,
)

BULK_IG = BulkProfile(
    name="bulk-data-ig",
    patient_export=True,
    types=None,
    reference_needs_companion=False,
    group_scope=True,
    redirect_files=False,
    one_job_per_client=False,
    type_filter_excluded_params=frozenset({"_count", "_include", "_revinclude", "_sort", "_summary", "_elements"}),
)
