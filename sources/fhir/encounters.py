"""An Encounter (a visit that took place) as the record of a visit: service, place, period, status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..records import AppointmentRecord, AppointmentStatus, FacilityRecord
from .bundle import Resource
from .mapping import MapContext, first_identifier
from .values import instant, ref_id, service_of

__all__ = ["ENCOUNTER_STATUS", "visit"]

ENCOUNTER_STATUS: dict[str, AppointmentStatus] = {
    "planned": AppointmentStatus.BOOKED,
    "arrived": AppointmentStatus.ARRIVED,
    "triaged": AppointmentStatus.ARRIVED,
    "in-progress": AppointmentStatus.ARRIVED,
    "onleave": AppointmentStatus.ARRIVED,
    "finished": AppointmentStatus.FULFILLED,
    "cancelled": AppointmentStatus.CANCELLED,
}


def _place(r: Mapping[str, Any], ctx: MapContext) -> FacilityRecord | None:
    for entry in r.get("location") or ():
        reference = entry.get("location") if isinstance(entry, Mapping) else None
        location_id = ref_id(reference, "Location")
        if location_id is not None:
            name = (reference or {}).get("display") or location_id
            return FacilityRecord(location_id, str(name), ctx.on_genesis)
    return None


def visit(r: Resource, ctx: MapContext) -> AppointmentRecord | None:
    """The visit an Encounter records; None for one entered in error (or without a patient or start)."""
    status = ENCOUNTER_STATUS.get(str(r.get("status")))
    period = r.get("period") or {}
    start = instant(period.get("start"))
    patient_id = ref_id(r.get("subject"), "Patient")
    if status is None or start is None or patient_id is None:
        return None
    facility = _place(r, ctx)
    service_type = r.get("serviceType")
    return AppointmentRecord(
        provenance=ctx.provenance(r, patient_id, facility.name if facility else None),
        patient_id=patient_id,
        start=start,
        end=instant(period.get("end")),
        status=status,
        service=service_of([service_type, *(r.get("type") or ())] if service_type else r.get("type") or ()),
        facility=facility,
        business_id=first_identifier(r),
    )
