"""Booking, cancelling and rescheduling GENESIS appointments by Millennium's documented writes.

- Book (base/workflow/appointment.md, Create): `POST Appointment`, status `booked`, exactly one
  Slot and one Patient participant (practitioner, place and time come from the slot); the 201
  answers `Location` and `ETag`, and the appointment is read from its `Location`.
- Cancel and reschedule (Patch): JSON Patch with `If-Match` (`replace /status` + `add
  /cancelationReason`; `replace /slot`), each with the `action-comment` extension naming the
  gateway request; the server frees and takes the slots itself. A 409 (stale version) reads the
  appointment again once; a 423 (locked) is retried by the client within the deadline.
- Idempotency never leans on `If-None-Exist` (not documented): the gateway's key table answers
  retries that reached it, and a rerun after a lost answer reconciles: a slot that is no longer
  free is looked for among the patient's appointments at its time, by the request named in the
  booking's `comment` (the booking happened); an appointment already cancelled or moved carries
  this request's `action-comment` (the change happened).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from typing import Any

from ...errors import SourceUnavailable, UpstreamRejected
from ...fhir.bundle import Bundle, Resource
from ...fhir.mapping import appointment as map_appointment
from ...fhir.values import fhir_instant, instant, ref_id, service_in
from ...records import AppointmentRecord, CareService, RecordKind
from ...writes import Booking, Cancellation, Rescheduling, SlotUnavailable, WriteRefused
from .base import GenesisWriter, map_context, valid_id, version_of

__all__ = ["ACTION_COMMENT", "BOOKABLE", "book", "cancel", "reschedule"]

ACTION_COMMENT = "https://fhir-ehr.cerner.com/r4/StructureDefinition/action-comment"
CANCELLATION_REASONS = "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"
BOOKABLE = frozenset({CareService.PRIMARY_CARE, CareService.DENTAL, CareService.SPECIALTY})
_KIND = RecordKind.APPOINTMENT.value
_TICK = dt.timedelta(seconds=1)


# ---- reading ------------------------------------------------------------------------------------


async def _read(writer: GenesisWriter, resource_type: str, rid: str) -> Resource | None:
    try:
        return await writer.client.read(_KIND, resource_type, rid)
    except UpstreamRejected as exc:
        if exc.status in (404, 410):
            return None
        raise


async def _slot(writer: GenesisWriter, slot_id: str) -> tuple[Resource | None, Resource | None]:
    """The slot and its schedule (`Slot?_id=&_include=Slot:schedule`, one search)."""
    bundle = await writer.client.search(_KIND, "Slot", [("_id", slot_id), ("_include", "Slot:schedule")])
    hits = bundle.matches("Slot")
    if not hits:
        return None, None
    schedule = bundle.included("Schedule").get(ref_id(hits[0].get("schedule"), "Schedule") or "")
    return hits[0], schedule


def _patient_of(appt: Mapping[str, Any]) -> str | None:
    for participant in appt.get("participant") or ():
        pid = ref_id((participant or {}).get("actor"), "Patient")
        if pid:
            return pid
    return None


def _slot_ids(appt: Mapping[str, Any]) -> list[str]:
    return [sid for s in appt.get("slot") or () if (sid := ref_id(s, "Slot"))]


def _changeable(appt: Mapping[str, Any], now: dt.datetime) -> bool:
    start = instant(appt.get("start"))
    return appt.get("status") == "booked" and start is not None and start > now


async def _record(writer: GenesisWriter, appt: Resource) -> AppointmentRecord:
    """The appointment as a record, its practitioner named (one read, skipped if it fails)."""
    pids = {p for x in appt.get("participant") or () if (p := ref_id((x or {}).get("actor"), "Practitioner"))}
    found = await asyncio.gather(*(_read(writer, "Practitioner", p) for p in sorted(pids)), return_exceptions=True)
    people = [p for p in found if isinstance(p, dict)]
    entries = [{"resource": p, "search": {"mode": "include"}} for p in people]
    bundle = Bundle({"resourceType": "Bundle", "entry": entries})
    record = map_appointment(appt, map_context(writer, appt, bundle=bundle))
    if record is None:
        raise SourceUnavailable(writer.source, "unreadable answer (appointment)")
    return record


def _comment(request_key: str, text: str | None) -> list[dict[str, Any]]:
    """The `action-comment` extension: what the patient said, and the request that did it."""
    words = f"{text.strip()} " if text and text.strip() else ""
    return [{"url": ACTION_COMMENT, "valueString": f"{words}(MHS gateway request {request_key})"}]


def _done_by(appt: Mapping[str, Any], request_key: str) -> bool:
    """Whether this request's comment is on the appointment (its change already happened)."""
    return any(
        e.get("url") == ACTION_COMMENT and request_key in str(e.get("valueString") or "")
        for e in appt.get("extension") or ()
        if isinstance(e, Mapping)
    )


def _ids_ok(*ids: tuple[str, str]) -> None:
    for value, target in ids:
        if not valid_id(value):
            raise WriteRefused("NOT_FOUND", target, "no such resource")


def _check_bookable(slot: Mapping[str, Any], now: dt.datetime, target: str) -> None:
    start = instant(slot.get("start"))
    if start is None or start <= now:
        raise SlotUnavailable(target, "the slot has already begun")
    if service_in(slot) not in BOOKABLE:
        raise SlotUnavailable(target, "the slot is not for a service patients book")
    if slot.get("status") != "free":
        raise SlotUnavailable(target)


# ---- book ---------------------------------------------------------------------------------------


def _note(request_key: str) -> str:
    """The booking's `comment`: where it came from, and the request (found again on a rerun)."""
    return f"Booked by the patient through the MHS gateway (request {request_key})"


async def _booked_on(writer: GenesisWriter, slot: Mapping[str, Any], patient_id: str, key: str) -> Resource | None:
    """The appointment this request booked on this slot, if it did (reconciliation).

    `Appointment?patient=&date=ge<start>&date=lt<start + 1 s>`: the slot's time only."""
    start = instant(slot.get("start"))
    if start is None:
        return None
    at = [("date", "ge" + fhir_instant(start)), ("date", "lt" + fhir_instant(start + _TICK))]
    params = [("patient", patient_id), *at]
    bundle = await writer.client.search_all(_KIND, "Appointment", params)
    for appt in bundle.matches("Appointment"):
        mine = key in str(appt.get("comment") or "")
        if mine and appt.get("status") != "cancelled" and str(slot.get("id")) in _slot_ids(appt):
            return appt
    return None


def _new_appointment(slot: Mapping[str, Any], patient_id: str, reason: str | None, key: str) -> dict[str, Any]:
    appt: dict[str, Any] = {
        "resourceType": "Appointment",
        "status": "booked",
        "comment": _note(key),
        "slot": [{"reference": f"Slot/{slot.get('id')}"}],
        "participant": [{"actor": {"reference": f"Patient/{patient_id}"}, "status": "accepted"}],
    }
    if reason and reason.strip():
        appt["reasonCode"] = [{"text": reason.strip()}]
    return appt


async def book(writer: GenesisWriter, booking: Booking) -> AppointmentRecord:
    """Book the slot for the patient; a rerun after a lost answer finds the first booking."""
    slot_id, patient_id, key = booking.slot_id, booking.patient_id, booking.request_key
    _ids_ok((slot_id, "slot"))
    slot, _ = await _slot(writer, slot_id)
    if slot is None:
        raise WriteRefused("NOT_FOUND", "slot", "no such slot")
    if slot.get("status") != "free":
        earlier = await _booked_on(writer, slot, patient_id, key)
        if earlier is not None:
            return await _record(writer, earlier)  # an earlier attempt of this request booked it
    _check_bookable(slot, writer.now(), "slot")
    try:
        created = await writer.client.post(_KIND, _new_appointment(slot, patient_id, booking.reason, key))
    except UpstreamRejected as exc:
        if exc.status != 409:
            raise
        earlier = await _booked_on(writer, slot, patient_id, key)  # taken: by a parallel rerun of ours?
        if earlier is None:
            raise SlotUnavailable("slot", "another request took the slot first") from exc
        created = earlier
    return await _record(writer, created)


# ---- cancel and reschedule ----------------------------------------------------------------------


def _owned(appt: Resource | None, patient_id: str) -> Resource:
    """The appointment if it is this patient's; anyone else's is NOT_FOUND (never revealed)."""
    if appt is None or _patient_of(appt) != patient_id:
        raise WriteRefused("NOT_FOUND", "appointment", "no such appointment")
    return appt


async def _patched(writer: GenesisWriter, appt: Resource, operations: list[dict[str, Any]]) -> Resource | None:
    """Apply the patch at the appointment's version; None on 409 (the version moved on)."""
    version = version_of(appt) or "0"
    try:
        await writer.client.patch(_KIND, "Appointment", str(appt.get("id")), operations, version)
    except UpstreamRejected as exc:
        if exc.status == 409:
            return None
        if exc.status == 412:
            raise WriteRefused("CONFLICT", "appointment", "GENESIS asked for the appointment's version") from exc
        raise
    return await _read(writer, "Appointment", str(appt.get("id")))


async def cancel(writer: GenesisWriter, cancellation: Cancellation) -> AppointmentRecord:
    """Cancel the patient's future booked appointment (GENESIS frees its slot)."""
    appointment_id, patient_id = cancellation.appointment_id, cancellation.patient_id
    key = cancellation.request_key
    _ids_ok((appointment_id, "appointment"))
    appt = _owned(await _read(writer, "Appointment", appointment_id), patient_id)
    operations: list[dict[str, Any]] = [
        {"op": "replace", "path": "/status", "value": "cancelled"},
        {"op": "add", "path": "/cancelationReason",
         "value": {"coding": [{"system": CANCELLATION_REASONS, "code": "pat"}]}},
        {"op": "replace", "path": "/extension", "value": _comment(key, cancellation.reason)},
    ]  # fmt: skip
    for _ in range(2):
        if appt.get("status") == "cancelled" and _done_by(appt, key):
            return await _record(writer, appt)  # an earlier attempt cancelled it
        if not _changeable(appt, writer.now()):
            raise WriteRefused("NOT_CANCELLABLE", "appointment", "only future booked appointments can be cancelled")
        updated = await _patched(writer, appt, operations)
        if updated is not None:
            return await _record(writer, updated)
        appt = _owned(await _read(writer, "Appointment", appointment_id), patient_id)
    raise WriteRefused("NOT_CANCELLABLE", "appointment", "the appointment changed meanwhile; try again")


async def _both(writer: GenesisWriter, appointment_id: str, slot_id: str, patient_id: str) -> tuple[Resource, Resource]:
    """The patient's appointment and the slot, read at once."""
    found, (slot, _) = await asyncio.gather(_read(writer, "Appointment", appointment_id), _slot(writer, slot_id))
    appt = _owned(found, patient_id)
    if slot is None:
        raise WriteRefused("NOT_FOUND", "newSlot", "no such slot")
    return appt, slot


async def reschedule(writer: GenesisWriter, move: Rescheduling) -> AppointmentRecord:
    """Move the patient's appointment onto the new slot (GENESIS frees the old one)."""
    appointment_id, new_slot_id = move.appointment_id, move.new_slot_id
    patient_id, key = move.patient_id, move.request_key
    _ids_ok((appointment_id, "appointment"), (new_slot_id, "newSlot"))
    appt, slot = await _both(writer, appointment_id, new_slot_id, patient_id)
    operations: list[dict[str, Any]] = [
        {"op": "replace", "path": "/slot", "value": [{"reference": f"Slot/{new_slot_id}"}]},
        {"op": "replace", "path": "/extension", "value": _comment(key, None)},
    ]
    for _ in range(2):
        if new_slot_id in _slot_ids(appt):
            if _done_by(appt, key):
                return await _record(writer, appt)  # an earlier attempt moved it
            raise SlotUnavailable("newSlot", "the appointment is already in that slot")
        if not _changeable(appt, writer.now()):
            raise WriteRefused("NOT_CANCELLABLE", "appointment", "only future booked appointments can be rescheduled")
        if service_in(slot) != service_in(appt):
            raise WriteRefused("SERVICE_MISMATCH", "newSlot", "the new slot is for another service")
        _check_bookable(slot, writer.now(), "newSlot")
        updated = await _patched(writer, appt, operations)
        if updated is not None:
            return await _record(writer, updated)
        # 409: the appointment moved on, or the slot was taken meanwhile; look at both again.
        appt, slot = await _both(writer, appointment_id, new_slot_id, patient_id)
    raise SlotUnavailable("newSlot", "another request took the slot first")

