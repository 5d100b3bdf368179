"""Book, cancel and reschedule: a patient's own appointments where writes go (GENESIS).

Refusals are userErrors: FORBIDDEN (not a patient), BAD_USER_INPUT (malformed id or key),
NOT_GENESIS (a TOL or community id, or no record where writes go), NOT_FOUND (also another
patient's appointment), SLOT_UNAVAILABLE, NOT_CANCELLABLE (past or not booked), SERVICE_MISMATCH
(reschedule to another service), REASON_TOO_LONG, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_IN_PROGRESS,
SOURCE_UNAVAILABLE (the source failed; the key is released and a retry reconciles).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sources.capabilities import Feature
from sources.errors import SourceError
from sources.records import AppointmentRecord, Link, RecordKind
from sources.writes import Booking, Cancellation, Rescheduling, WriteRefused

from ..context import RequestContext
from .inputs import writable_id
from .pipeline import Refused, WriteAction, WriteCall
from .results import UserErrorRecord

__all__ = [
    "BOOK",
    "CANCEL",
    "MAX_REASON",
    "RESCHEDULE",
    "ChangeInput",
    "Changed",
]

MAX_REASON = 500  # characters of a visit or cancellation reason
_FIELDS = {
    "slot": ("input", "slotId"),
    "newSlot": ("input", "newSlotId"),
    "appointment": ("input", "appointmentId"),
}
_MESSAGES = {
    "SLOT_UNAVAILABLE": "That slot is no longer available; please choose another.",
    "NOT_FOUND": "No such {what}.",
    "NOT_CANCELLABLE": "Only future, booked appointments can be cancelled or rescheduled.",
    "SERVICE_MISMATCH": "The new slot is for another kind of care than the appointment.",
}
_WHAT = {"slot": "slot", "newSlot": "slot", "appointment": "appointment"}
_NOT_WRITABLE = "Only MHS GENESIS appointments can be changed here."


@dataclass(frozen=True, slots=True)
class ChangeInput:
    """What the client sent: a slot (booking), an appointment (cancel), or both (reschedule)."""

    slot_id: str | None = None
    appointment_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Changed:
    """The appointment as it stands after the action."""

    appointment: AppointmentRecord


@dataclass(frozen=True, slots=True)
class _Clean:
    slot: str | None  # the source's own slot id
    appointment: str | None  # the source's own appointment id
    reason: str | None
    sent: Mapping[str, Any]  # what the idempotency key covers, as the client sent it


def _reason(value: str | None) -> str | None:
    """The trimmed reason (None when blank); REASON_TOO_LONG past MAX_REASON characters."""
    reason = (value or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise Refused.one(
            "REASON_TOO_LONG", f"The reason may be at most {MAX_REASON} characters.", ("input", "reason")
        )
    return reason


async def _patient_id(call: WriteCall) -> str:
    """The caller's patient id where writes go; NOT_GENESIS when they have no record there."""
    found = call.patient.links.get(call.writes.source)
    if isinstance(found, SourceError):
        raise found
    if not isinstance(found, Link) or not found.linked:
        raise Refused.one("NOT_GENESIS", "You have no MHS GENESIS record to book in.")
    return found.refs[0].patient_id


@dataclass(frozen=True)
class _AppointmentAction(WriteAction[ChangeInput, _Clean, Changed]):
    kind: ClassVar[RecordKind] = RecordKind.APPOINTMENT
    result: ClassVar[type[Any]] = Changed
    not_patient: ClassVar[str] = "Only patients can book or change their own appointments."
    slot_field: ClassVar[str] = "slot"  # which input names the slot: slotId or newSlotId
    sends: ClassVar[tuple[str, ...]] = ()  # the input fields the idempotency key covers

    def clean(self, raw: ChangeInput, ctx: RequestContext) -> _Clean:
        slot = writable_id(ctx, raw.slot_id, "Slot", _FIELDS[self.slot_field], _NOT_WRITABLE)
        appointment = writable_id(ctx, raw.appointment_id, "Appointment", _FIELDS["appointment"], _NOT_WRITABLE)
        reason = _reason(raw.reason) if "reason" in self.sends else None
        named = {"slotId": raw.slot_id, "appointmentId": raw.appointment_id, "newSlotId": raw.slot_id}
        sent = {name: reason if name == "reason" else named[name] for name in self.sends}
        return _Clean(slot, appointment, reason, sent)

    def inputs(self, clean: _Clean) -> Mapping[str, Any]:
        return clean.sent

    def targets(self, raw: ChangeInput) -> tuple[str, ...]:
        return (raw.appointment_id,) if raw.appointment_id else ()

    def refusal(self, refused: WriteRefused) -> UserErrorRecord:
        template = _MESSAGES.get(refused.reason_code, "The request was refused; nothing was changed.")
        message = template.format(what=_WHAT.get(refused.target, "record"))
        return UserErrorRecord(refused.reason_code, message, _FIELDS.get(refused.target))


@dataclass(frozen=True)
class BookAppointment(_AppointmentAction):
    """Book a free slot for the signed-in patient."""

    operation: ClassVar[str] = "bookAppointment"
    audit_action: ClassVar[str] = "create"
    quota: ClassVar[str | None] = "bookings"  # per patient per day (a replay is not counted)
    sends: ClassVar[tuple[str, ...]] = ("slotId", "reason")

    def needs(self, raw: ChangeInput) -> Feature:
        return Feature.BOOK_APPOINTMENT

    async def run(self, call: WriteCall, clean: _Clean) -> Changed:
        assert clean.slot is not None
        booking = Booking(call.request_key, await _patient_id(call), clean.slot, clean.reason)
        return Changed(await call.writes.book(booking))


@dataclass(frozen=True)
class CancelAppointment(_AppointmentAction):
    """Cancel one of the patient's future booked appointments; its slot is freed."""

    operation: ClassVar[str] = "cancelAppointment"
    audit_action: ClassVar[str] = "update"
    sends: ClassVar[tuple[str, ...]] = ("appointmentId", "reason")

    def needs(self, raw: ChangeInput) -> Feature:
        return Feature.CANCEL_APPOINTMENT

    async def run(self, call: WriteCall, clean: _Clean) -> Changed:
        assert clean.appointment is not None
        cancel = Cancellation(call.request_key, await _patient_id(call), clean.appointment, clean.reason)
        return Changed(await call.writes.cancel(cancel))


@dataclass(frozen=True)
class RescheduleAppointment(_AppointmentAction):
    """Move one of the patient's appointments to a free slot; the old slot is offered again."""

    operation: ClassVar[str] = "rescheduleAppointment"
    audit_action: ClassVar[str] = "update"
    slot_field: ClassVar[str] = "newSlot"
    sends: ClassVar[tuple[str, ...]] = ("appointmentId", "newSlotId")

    def needs(self, raw: ChangeInput) -> Feature:
        return Feature.RESCHEDULE_APPOINTMENT

    async def run(self, call: WriteCall, clean: _Clean) -> Changed:
        assert clean.slot is not None and clean.appointment is not None
        move = Rescheduling(call.request_key, await _patient_id(call), clean.appointment, clean.slot)
        return Changed(await call.writes.reschedule(move))


BOOK = BookAppointment()
CANCEL = CancelAppointment()
RESCHEDULE = RescheduleAppointment()
