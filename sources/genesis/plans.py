"""How each GENESIS record kind is searched under Millennium's documented rules, kind by kind.

Millennium (content/millennium/r4/**) takes no `_sort`, `_total`, `_summary`, `_elements`, `:not`
or batch Bundles, and `_include` only on Slot. So each plan names only the parameters its page
lists; what the server cannot filter (entered-in-error, service, medication code) is filtered
after mapping, and the server's own order decides how a list is paged:

- `newest_first` (Observation: "sorted by effective date descending"): the cursor goes down as
  `date=le<position>` and `_count` is first + 2, so page 10 costs what page 1 costs.
- otherwise the list is read whole (following `next` links, the server's `-pageContext`), with the
  cursor's time pushed down as the upper bound of the date window where the type has one, and
  paged in memory. Appointment (start ascending) and Slot (start ascending) take a `ge`/`lt`
  window always, as their pages require.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..base import Filters, PageRequest
from ..fhir import mapping as fhir_mapping
from ..fhir.bundle import Bundle
from ..fhir.client import Params
from ..fhir.kinds import Records, per_resource
from ..fhir.mapping import MapContext
from ..fhir.values import SERVICE_TYPE_CODES, SNOMED
from ..records import AppointmentRecord, CareService, PrescriptionRecord, Record, RecordKind
from . import mapping

__all__ = ["MILLENNIUM_PLANS", "SERVICE_TYPES", "SNOMED", "Plan", "slot_service_types"]

# Slots are searched by the standard practice-setting codes: they need no tenant's code set.
SERVICE_TYPES = SERVICE_TYPE_CODES


@dataclass(frozen=True)
class Plan:
    """One record kind at Millennium: its search, its date window, and the server's order."""

    resource_type: str
    records: Records
    params: Callable[[Filters], Params] = lambda _f: ()
    patient_param: str | None = "patient"
    patient_lists: bool = False  # the page allows `patient=a,b` (Appointment)
    date_param: str | None = None
    upper: str = "le"  # the upper bound's prefix (`lt` where the page asks a ge/lt pair)
    window: bool = False  # the date pair is required: always sent
    newest_first: bool = False  # the server answers newest first by `date_param`
    count: int | None = 100  # `_count` sent (None: the type takes none)
    ascending: bool = False  # the list is soonest first (slots): the cursor raises the lower bound
    answerable: Callable[[Filters], bool] = lambda _f: True  # False: nothing to ask for, an empty page
    lookups: tuple[str, ...] = ()  # types whose names the records show, read by `_id` (no `_include`)


def _lab_params(f: Filters) -> Params:
    out = [("category", f"{fhir_mapping.OBSERVATION_CATEGORY}|laboratory")]
    return [*out, ("code", f.code)] if f.code else out


def _note_params(f: Filters) -> Params:
    return [("type", f.code)] if f.code else []


def _appointment_params(f: Filters) -> Params:
    codes = [c for s in f.statuses for c, status in fhir_mapping.APPOINTMENT_STATUS.items() if status is s]
    return [("status", ",".join(codes))] if codes else []


def _appointments(bundle: Bundle, ctx: MapContext, page: PageRequest) -> Sequence[Record]:
    found = per_resource("Appointment", fhir_mapping.appointment)(bundle, ctx, page)
    service = page.filters.service
    return [r for r in found if service is None or (isinstance(r, AppointmentRecord) and r.service is service)]


def _prescription_params(f: Filters) -> Params:
    return [("status", "active")] if f.active_only else []


def _refills(record: Record) -> Record:
    """Millennium offers no MedicationDispense, so fills are unknown: a `completed` order has none
    left, an active one an unknown number (never a guess from the refills allowed)."""
    if not isinstance(record, PrescriptionRecord):
        return record
    return dataclasses.replace(record, refills_remaining=0 if record.status == "completed" else None)


def _prescriptions(bundle: Bundle, ctx: MapContext, page: PageRequest) -> Sequence[Record]:
    found = per_resource("MedicationRequest", fhir_mapping.prescription)(bundle, ctx, page)
    code = page.filters.code
    kept = [r for r in found if not code or (isinstance(r, PrescriptionRecord) and r.medication.code == code)]
    return [_refills(r) for r in kept]


def _condition_params(f: Filters) -> Params:
    return [("clinical-status", "active")] if f.active_only else []


def slot_service_types(service: CareService | None) -> str | None:
    """`service-type` for a service (all three bookable ones when None); None: none to ask for."""
    if service is None:
        return ",".join(f"{SNOMED}|{c}" for c in SERVICE_TYPES.values())
    code = SERVICE_TYPES.get(service)
    return f"{SNOMED}|{code}" if code else None


def _slot_params(f: Filters) -> Params:
    types = slot_service_types(f.service)
    return [("service-type", types or ""), ("_include", "Slot:schedule")]


MILLENNIUM_PLANS: dict[RecordKind, Plan] = {
    RecordKind.LAB_RESULT: Plan(
        "Observation", per_resource("Observation", fhir_mapping.lab_result), _lab_params,
        date_param="date", newest_first=True, count=200,
    ),
    RecordKind.CLINICAL_NOTE: Plan(
        "DocumentReference", per_resource("DocumentReference", fhir_mapping.note), _note_params,
        date_param="date", lookups=("Practitioner",),
    ),
    RecordKind.APPOINTMENT: Plan(
        "Appointment", _appointments, _appointment_params, patient_lists=True,
        date_param="date", upper="lt", window=True, count=200, lookups=("Practitioner", "Location"),
    ),
    RecordKind.PRESCRIPTION: Plan(
        "MedicationRequest", _prescriptions, _prescription_params, count=200, lookups=("Practitioner",)
    ),
    RecordKind.CONDITION: Plan(
        "Condition", per_resource("Condition", fhir_mapping.condition), _condition_params, count=None
    ),
    RecordKind.CARE_TEAM: Plan(
        "CareTeam", per_resource("CareTeam", mapping.care_team), count=None, lookups=("Practitioner",)
    ),
    # Questionnaire is read by `_id` only (questionnaire.md): never listed.
    RecordKind.QUESTIONNAIRE: Plan(
        "Questionnaire", per_resource("Questionnaire", mapping.questionnaire), patient_param=None, count=None,
        answerable=lambda _f: False,
    ),
    RecordKind.SLOT: Plan(
        "Slot", per_resource("Slot", mapping.slot), _slot_params, patient_param=None,
        date_param="start", upper="lt", window=True, count=200, ascending=True,
        answerable=lambda f: slot_service_types(f.service) is not None,
    ),
}  # fmt: skip
