"""`POST /Appointment`: a booked appointment on exactly one slot, for exactly one patient
(base/workflow/appointment.md, Create); a proposed one asking for a period at a location."""

from __future__ import annotations

from typing import Any

from sandbox.fhir.messages import FhirRequest, FhirResponse

from .errors import Conflict, Unprocessable
from .slot_booking import book_slot, slot_details
from .versions import save
from .writing import Resource, WriteContext, answer, body_of, ref_id

__all__ = ["create_appointment"]

_FIELDS = frozenset({"resourceType", "status", "serviceType", "reasonCode", "slot", "participant", "comment",
                     "requestedPeriod", "id", "meta", "text", "patientInstruction"})  # fmt: skip


async def create_appointment(ctx: WriteContext, request: FhirRequest) -> FhirResponse:
    """Check the body as the page's notes say, book the slot, answer 201 + Location + ETag."""
    body = body_of(request, "Appointment")
    unsupported = sorted(set(body) - _FIELDS)
    if unsupported:
        raise Unprocessable("the body has unsupported fields: " + ", ".join(unsupported))
    status = body.get("status")
    if status not in ("booked", "proposed"):
        raise Unprocessable("Appointment.status must be booked or proposed")
    reasons = body.get("reasonCode")
    if reasons is not None and (not isinstance(reasons, list) or len(reasons) != 1 or not _text(reasons[0])):
        raise Unprocessable("Appointment.reasonCode must be a list of exactly one CodeableConcept with text")
    participants = body.get("participant")
    if not isinstance(participants, list) or not participants:
        raise Unprocessable("Appointment.participant is required")
    if any(isinstance(p, dict) and "type" in p for p in participants):
        raise Unprocessable("Appointment.participant.type must not be set")
    stored = _booked(ctx, body, participants) if status == "booked" else _proposed(ctx, body, participants)
    return answer(ctx, 201, stored, location=True)


def _booked(ctx: WriteContext, body: Resource, participants: list[Any]) -> Resource:
    slots = body.get("slot")
    slot_ids = [ref_id(s, "Slot") for s in slots] if isinstance(slots, list) else []
    if len(slot_ids) != 1 or slot_ids[0] is None:
        raise Unprocessable("a booked Appointment.slot must hold exactly one Slot reference")
    patient_id = _patient(ctx, participants, "accepted")
    if len(participants) != 1:
        raise Unprocessable("a booked appointment has exactly one participant, the Patient")
    slot = ctx.store.get("Slot", slot_ids[0])
    if slot is None:
        raise Unprocessable(f"Slot/{slot_ids[0]} is not known")
    if slot.get("status") not in ("free", "busy-tentative"):
        raise Conflict(f"Slot/{slot_ids[0]} is not free")
    details = slot_details(ctx.store, slot)
    aid = ctx.ids.new("Appointment")
    with ctx.locks.hold(("Slot", slot["id"])):
        book_slot(ctx.store, slot)
        appointment = {
            **{k: v for k, v in body.items() if k in ("reasonCode", "comment", "patientInstruction")},
            "resourceType": "Appointment",
            "id": aid,
            "status": "booked",
            **details.fields(),
            "slot": [{"reference": f"Slot/{slot['id']}"}],
            "participant": details.participants(patient_id),
        }
        return save(ctx.store, appointment, created=True)


def _proposed(ctx: WriteContext, body: Resource, participants: list[Any]) -> Resource:
    service = body.get("serviceType")
    if not isinstance(service, list) or len(service) != 1:
        raise Unprocessable("a proposed Appointment.serviceType must hold exactly one CodeableConcept")
    _patient(ctx, participants, "needs-action")
    others = [p for p in participants if ref_id(p.get("actor"), "Patient") is None]
    if not others or any(ref_id(p.get("actor"), "Location") is None for p in others):
        raise Unprocessable("a proposed appointment names one Patient and at least one Location, nothing else")
    if any(p.get("status") != "needs-action" for p in others):
        raise Unprocessable("a proposed appointment's participant.status must be needs-action")
    periods = body.get("requestedPeriod")
    if not isinstance(periods, list) or len(periods) != 1 or not {"start", "end"} <= set(periods[0] or {}):
        raise Unprocessable("Appointment.requestedPeriod must be a single Period with start and end")
    stored = {k: v for k, v in body.items() if k not in ("id", "meta", "text")}
    return save(ctx.store, {**stored, "id": ctx.ids.new("Appointment")}, created=True)


def _patient(ctx: WriteContext, participants: list[Any], status: str) -> str:
    """The one Patient participant's id; it must exist and carry `status`."""
    patients = [p for p in participants if isinstance(p, dict) and ref_id(p.get("actor"), "Patient")]
    if len(patients) != 1:
        raise Unprocessable("Appointment.participant must hold exactly one Patient participant")
    if any(not isinstance(p, dict) or p.get("status") != status for p in participants):
        raise Unprocessable(f"Appointment.participant.status must be {status}")
    pid = ref_id(patients[0]["actor"], "Patient")
    if pid is None or ctx.store.get("Patient", pid) is None:
        raise Unprocessable(f"Patient/{pid} is not known")
    return pid


def _text(concept: Any) -> bool:
    return isinstance(concept, dict) and isinstance(concept.get("text"), str) and bool(concept["text"].strip())
