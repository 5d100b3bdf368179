"""How each record kind is searched and mapped: the plan every FHIR source follows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..base import Filters, PageRequest
from ..records import AppointmentStatus, CareService, Record
from . import mapping
from .bundle import Bundle
from .client import Params
from .mapping import MapContext
from .values import SERVICE_CATEGORY, SERVICE_CODES

__all__ = ["CLINICAL_KINDS", "KindSpec", "per_resource"]

Records = Callable[[Bundle, MapContext, PageRequest], Sequence[Record]]


@dataclass(frozen=True)
class KindSpec:
    """One record kind at one FHIR source.

    `keyset` kinds push the cursor down (`_sort=-<date_param>`, `<date_param>=le<time>`,
    `_count=first+1`); the others fetch the patient's whole list (following `next` links) and
    page in memory, because their order or filters cannot be expressed as a FHIR search.
    """

    resource_type: str
    records: Records
    params: Callable[[Filters], Params] = lambda _f: ()
    date_param: str | None = None
    keyset: bool = False
    patient_param: str | None = "patient"
    ascending: bool = False
    get_params: Params = field(default_factory=tuple)


def per_resource(resource_type: str, mapper: Callable[[dict[str, object], MapContext], Record | None]) -> Records:
    """A `records` function mapping each search hit on its own; unmappable hits are dropped."""

    def records(bundle: Bundle, ctx: MapContext, _page: PageRequest) -> Sequence[Record]:
        mapped = (mapper(r, ctx) for r in bundle.matches(resource_type))
        return [r for r in mapped if r is not None]

    return records


_NOT_ERROR = ("status:not", mapping.ENTERED_IN_ERROR)
_FHIR_STATUSES: dict[AppointmentStatus, tuple[str, ...]] = {}
for _code, _status in mapping.APPOINTMENT_STATUS.items():
    _FHIR_STATUSES[_status] = (*_FHIR_STATUSES.get(_status, ()), _code)


def _appointment_params(f: Filters) -> Params:
    out: list[tuple[str, str]] = [
        ("_include", "Appointment:practitioner"),
        ("_include", "Appointment:location"),
    ]
    if f.statuses:
        out.append(("status", ",".join(c for s in f.statuses for c in _FHIR_STATUSES[s])))
    else:
        out.append(_NOT_ERROR)
    if f.service is CareService.OTHER:
        out += [("service-category:not", f"{SERVICE_CATEGORY}|{c}") for c in SERVICE_CODES.values()]
    elif f.service is not None:
        out.append(("service-category", f"{SERVICE_CATEGORY}|{SERVICE_CODES[f.service]}"))
    return out


def _note_params(f: Filters) -> Params:
    out = [_NOT_ERROR, ("_include", "DocumentReference:author")]
    return [*out, ("type", f.code)] if f.code else out


def _lab_params(f: Filters) -> Params:
    out = [("category", f"{mapping.OBSERVATION_CATEGORY}|laboratory"), _NOT_ERROR]
    return [*out, ("code", f.code)] if f.code else out


def _prescription_params(f: Filters) -> Params:
    out: list[tuple[str, str]] = [
        ("_revinclude", "MedicationDispense:prescription"),
        ("_include", "MedicationRequest:requester"),
    ]
    return [*out, ("status", "active")] if f.active_only else [*out, _NOT_ERROR]


def _condition_params(f: Filters) -> Params:
    out = [("verification-status:not", mapping.ENTERED_IN_ERROR)]
    if f.active_only:
        out.append(("clinical-status", "active"))
    return [*out, ("code", f.code)] if f.code else out


def _code_filter(records: Records) -> Records:
    """Filter prescriptions by medication code in memory (MedicationRequest has no `code`)."""

    def filtered(bundle: Bundle, ctx: MapContext, page: PageRequest) -> Sequence[Record]:
        found = records(bundle, ctx, page)
        code = page.filters.code
        if not code:
            return found
        return [r for r in found if getattr(getattr(r, "medication", None), "code", None) == code]

    return filtered


CLINICAL_KINDS: dict[str, KindSpec] = {
    "appointment": KindSpec(
        "Appointment",
        per_resource("Appointment", mapping.appointment),
        _appointment_params,
        date_param="date",
        keyset=True,
        get_params=(("_include", "Appointment:practitioner"), ("_include", "Appointment:location")),
    ),
    "clinical_note": KindSpec(
        "DocumentReference",
        per_resource("DocumentReference", mapping.note),
        _note_params,
        date_param="date",
        keyset=True,
        get_params=(("_include", "DocumentReference:author"),),
    ),
    "lab_result": KindSpec(
        "Observation",
        per_resource("Observation", mapping.lab_result),
        _lab_params,
        date_param="date",
        keyset=True,
    ),
    # Prescriptions and conditions sort by a date without time: the server's order within one
    # day is not ours (date, id), so these lists are paged in memory.
    "prescription": KindSpec(
        "MedicationRequest",
        _code_filter(per_resource("MedicationRequest", mapping.prescription)),
        _prescription_params,
        date_param="authoredon",
        get_params=(
            ("_revinclude", "MedicationDispense:prescription"),
            ("_include", "MedicationRequest:requester"),
        ),
    ),
    "condition": KindSpec(
        "Condition",
        per_resource("Condition", mapping.condition),
        _condition_params,
        date_param="onset-date",
    ),
}
