"""Book, cancel and reschedule: a patient's own GENESIS appointments, idempotent by key.

Each returns an `ActionResult` whose `data["appointment"]` (when it succeeded) is the
AppointmentRecord as JSON (`appointment_of` rebuilds it). Refusals are userErrors:
FORBIDDEN (not a patient), BAD_USER_INPUT (malformed id or key), NOT_GENESIS (a TOL or community
id), NOT_FOUND (also another patient's appointment), SLOT_UNAVAILABLE, NOT_CANCELLABLE (past or
not booked), SERVICE_MISMATCH (reschedule to another service), IDEMPOTENCY_KEY_REUSED,
IDEMPOTENCY_IN_PROGRESS, SOURCE_UNAVAILABLE (GENESIS failed; the key is released and the write
path reconciles a retry).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sources.calls.deadline import deadline_at
from sources.errors import SourceError, SourceUnavailable
from sources.genesis.writes import GenesisWriter, WriteRefused
from sources.genesis.writes import appointments as writes
from sources.records import AppointmentRecord, Link, RecordSource

from ..context import RequestContext
from ..errors import Forbidden
from ..ids import GlobalId
from ..patients import open_patient
from ..principal import Role
from . import codec
from .actor import acting_patient
from .idempotency import request_key, run_idempotent
from .inputs import input_id
from .results import ActionResult

__all__ = ["appointment_of", "book_appointment", "cancel_appointment", "reschedule_appointment"]

Path = tuple[str | int, ...]
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


def appointment_of(result: ActionResult) -> AppointmentRecord | None:
    """The appointment a successful (or replayed) action answered."""
    raw = result.data.get("appointment")
    return None if raw is None else codec.load(AppointmentRecord, raw)


MAX_REASON = 500  # characters of a visit or cancellation reason


def _clean_reason(value: str | None) -> str | ActionResult | None:
    """The trimmed reason (None when blank), or a refusal when it is too long."""
    reason = (value or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        return ActionResult.refused(
            "REASON_TOO_LONG", f"The reason may be at most {MAX_REASON} characters.", ("input", "reason")
        )
    return reason


def _forbidden(ctx: RequestContext) -> ActionResult | None:
    if ctx.principal.role is Role.PATIENT:
        return None
    return ActionResult.refused("FORBIDDEN", "Only patients can book or change their own appointments.")


def _decode(value: str, expect: str, target: str) -> GlobalId | ActionResult:
    field = _FIELDS[target]
    gid = input_id(value, expect, field)
    if isinstance(gid, ActionResult):
        return gid
    if gid.source != RecordSource.GENESIS.value:
        return ActionResult.refused("NOT_GENESIS", "Only MHS GENESIS appointments can be changed here.", field)
    return gid


def _refusal(refused: WriteRefused) -> ActionResult:
    template = _MESSAGES.get(refused.reason_code, "The request was refused; nothing was changed.")
    message = template.format(what=_WHAT.get(refused.target, "record"))
    return ActionResult.refused(refused.reason_code, message, _FIELDS.get(refused.target))


def _audited(ctx: RequestContext, action: str, result: ActionResult) -> ActionResult:
    ctx.audit.touch(acting_patient(ctx), action=action, outcome=result.outcome, kind="appointment", source="GENESIS")
    return result


async def _patient_and_writer(ctx: RequestContext, path: Path) -> tuple[str, GenesisWriter] | ActionResult:
    """The caller's GENESIS patient id and the write handle; a GENESIS failure raises."""
    try:
        handle = await open_patient(ctx, ctx.principal.subject, path)
    except Forbidden:
        return ActionResult.refused("FORBIDDEN", "No record was found for you; nothing was written.")
    found = handle.links.get(RecordSource.GENESIS)
    if isinstance(found, SourceError):
        raise found
    if not isinstance(found, Link) or not found.linked:
        return ActionResult.refused("NOT_GENESIS", "You have no MHS GENESIS record to book in.")
    writer = ctx.services.writer
    if not isinstance(writer, GenesisWriter):
        raise SourceUnavailable(RecordSource.GENESIS, "writes are not configured")
    return found.refs[0].patient_id, writer


async def _run(
    ctx: RequestContext,
    path: Path,
    write: Callable[[GenesisWriter, str], Awaitable[AppointmentRecord]],
) -> ActionResult:
    """Open the caller's record, run one write under the request's deadline, answer it."""
    opened = await _patient_and_writer(ctx, path)
    if isinstance(opened, ActionResult):
        return opened
    patient_id, writer = opened
    try:
        with deadline_at(ctx.deadline):
            record = await write(writer, patient_id)
    except WriteRefused as refused:
        return _refusal(refused)
    return ActionResult.ok(appointment=codec.dump(record))


async def _idempotent(
    ctx: RequestContext,
    operation: str,
    audit_action: str,
    key: str,
    inputs: Mapping[str, Any],
    path: Path,
    write: Callable[[GenesisWriter, str, str], Awaitable[AppointmentRecord]],
) -> ActionResult:
    rkey = request_key(ctx, operation, key)

    async def action() -> ActionResult:
        return await _run(ctx, path, lambda writer, patient_id: write(writer, patient_id, rkey))

    return _audited(ctx, audit_action, await run_idempotent(ctx, operation, key, inputs, action))


async def book_appointment(
    ctx: RequestContext, *, slot_id: str, reason: str | None, idempotency_key: str, path: Path
) -> ActionResult:
    """Book a free GENESIS slot for the signed-in patient."""
    denied = _forbidden(ctx)
    if denied is not None:
        return _audited(ctx, "create", denied)
    slot = _decode(slot_id, "Slot", "slot")
    if isinstance(slot, ActionResult):
        return _audited(ctx, "create", slot)
    cleaned = _clean_reason(reason)
    if isinstance(cleaned, ActionResult):
        return _audited(ctx, "create", cleaned)

    def write(writer: GenesisWriter, patient_id: str, rkey: str) -> Awaitable[AppointmentRecord]:
        return writes.book(writer, slot_id=slot.source_id, patient_id=patient_id, reason=cleaned, request_key=rkey)

    inputs = {"slotId": slot_id, "reason": cleaned}
    return await _idempotent(ctx, "bookAppointment", "create", idempotency_key, inputs, path, write)


async def cancel_appointment(
    ctx: RequestContext, *, appointment_id: str, reason: str | None, idempotency_key: str, path: Path
) -> ActionResult:
    """Cancel one of the signed-in patient's future booked GENESIS appointments; its slot is freed."""
    denied = _forbidden(ctx)
    if denied is not None:
        return _audited(ctx, "update", denied)
    appt = _decode(appointment_id, "Appointment", "appointment")
    if isinstance(appt, ActionResult):
        return _audited(ctx, "update", appt)
    cleaned = _clean_reason(reason)
    if isinstance(cleaned, ActionResult):
        return _audited(ctx, "update", cleaned)

    def write(writer: GenesisWriter, patient_id: str, rkey: str) -> Awaitable[AppointmentRecord]:
        return writes.cancel(
            writer, appointment_id=appt.source_id, patient_id=patient_id, reason=cleaned, request_key=rkey
        )

    inputs = {"appointmentId": appointment_id, "reason": cleaned}
    return await _idempotent(ctx, "cancelAppointment", "update", idempotency_key, inputs, path, write)


async def reschedule_appointment(
    ctx: RequestContext, *, appointment_id: str, new_slot_id: str, idempotency_key: str, path: Path
) -> ActionResult:
    """Move one of the patient's appointments to a free slot; the old slot is offered again."""
    denied = _forbidden(ctx)
    if denied is not None:
        return _audited(ctx, "update", denied)
    appt = _decode(appointment_id, "Appointment", "appointment")
    if isinstance(appt, ActionResult):
        return _audited(ctx, "update", appt)
    slot = _decode(new_slot_id, "Slot", "newSlot")
    if isinstance(slot, ActionResult):
        return _audited(ctx, "update", slot)

    def write(writer: GenesisWriter, patient_id: str, rkey: str) -> Awaitable[AppointmentRecord]:
        return writes.reschedule(
            writer,
            appointment_id=appt.source_id,
            new_slot_id=slot.source_id,
            patient_id=patient_id,
            request_key=rkey,
        )

    inputs = {"appointmentId": appointment_id, "newSlotId": new_slot_id}
    return await _idempotent(ctx, "rescheduleAppointment", "update", idempotency_key, inputs, path, write)
