"""Booking, cancelling and rescheduling GENESIS appointments, each step safe to run again.

- A Slot is taken with `PUT` + `If-Match` (a 412 means another request won: SlotUnavailable) and
  carries a hold extension naming the request that took it; freeing it removes the hold.
- A booked Appointment carries `identifier` `urn:mhs:gateway-request|<request_key>` and is created
  with `If-None-Exist` on it: a rerun after a timeout finds it instead of making a second one.
- Cancel and reschedule change the Appointment in place (If-Match) and mark it with an extension
  naming the request, so a rerun sees that its change already happened and only finishes the rest.
- Reschedule updates the same Appointment (the questionnaire tied to it stays tied): new slot
  first, then the Appointment, then the old slot is freed.
- A slot is freed only while busy and not held by some other request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...errors import SourceError, SourceUnavailable, UpstreamRejected
from ...fhir.bundle import Bundle, Resource
from ...fhir.client import search_url
from ...fhir.mapping import appointment as map_appointment
from ...fhir.values import fhir_instant, instant, ref_id, service_of
from ...records import AppointmentRecord, CareService, RecordKind
from ...writes import Booking, Cancellation, Rescheduling, SlotUnavailable, WriteRefused
from .base import REQUEST_SYSTEM, GenesisWriter, map_context, valid_id, version_of

__all__ = ["BOOKABLE", "HOLD_URL", "MARK_URL", "book", "cancel", "reschedule"]

HOLD_URL = "urn:mhs:slot-hold"  # Slot extension: the request holding the slot (and slots it replaces)
MARK_URL = "urn:mhs:gateway-request"  # Appointment extension: a request that changed it
BOOKABLE = frozenset({CareService.PRIMARY_CARE, CareService.DENTAL, CareService.SPECIALTY})
_KIND = RecordKind.APPOINTMENT.value
_CONFLICT = (409, 412)


# ---- reading ------------------------------------------------------------------------------------


def _one(answer: Resource | SourceError, resource_type: str) -> tuple[Resource | None, Bundle]:
    if isinstance(answer, SourceError):
        raise answer
    bundle = Bundle(answer)
    hits = bundle.matches(resource_type)
    return (hits[0] if hits else None), bundle


def _slot_search(slot_id: str) -> str:
    return search_url("Slot", [("_id", slot_id), ("_include", "Slot:schedule")])


async def _read(writer: GenesisWriter, resource_type: str, rid: str) -> Resource | None:
    try:
        return await writer.client.read(_KIND, resource_type, rid)
    except UpstreamRejected as exc:
        if exc.status in (404, 410):
            return None
        raise


def _patient_of(appt: Mapping[str, Any]) -> str | None:
    for participant in appt.get("participant") or ():
        pid = ref_id((participant or {}).get("actor"), "Patient")
        if pid:
            return pid
    return None


def _request_keys(appt: Mapping[str, Any]) -> set[str]:
    """The requests that booked or changed this appointment."""
    keys = {str(i.get("value")) for i in appt.get("identifier") or () if i.get("system") == REQUEST_SYSTEM}
    keys |= {str(e.get("valueString")) for e in appt.get("extension") or () if e.get("url") == MARK_URL}
    return keys


def _slot_ids(appt: Mapping[str, Any]) -> list[str]:
    return [sid for s in appt.get("slot") or () if (sid := ref_id(s, "Slot"))]


def _hold(slot: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """(request holding the slot, slots that request replaces), from the hold extension."""
    for ext in slot.get("extension") or ():
        if ext.get("url") != HOLD_URL:
            continue
        parts = ext.get("extension") or ()
        request = next((p.get("valueString") for p in parts if p.get("url") == "request"), None)
        replaces = [sid for p in parts if p.get("url") == "replaces" and (sid := ref_id(p.get("valueReference")))]
        return (str(request) if request else None), replaces
    return None, []


def _changeable(appt: Mapping[str, Any], now: dt.datetime) -> bool:
    start = instant(appt.get("start"))
    return appt.get("status") == "booked" and start is not None and start > now


def _record(writer: GenesisWriter, appt: Resource) -> AppointmentRecord:
    record = map_appointment(appt, map_context(writer, appt))
    if record is None:
        raise SourceUnavailable(writer.source, "unreadable answer (appointment)")
    return record


# ---- slots --------------------------------------------------------------------------------------


def _check_bookable(slot: Mapping[str, Any], now: dt.datetime, target: str) -> None:
    start = instant(slot.get("start"))
    if slot.get("status") != "free":
        raise SlotUnavailable(target)
    if start is None or start <= now:
        raise SlotUnavailable(target, "the slot has already begun")
    if service_of(slot.get("serviceCategory") or ()) not in BOOKABLE:
        raise SlotUnavailable(target, "the slot is not for a service patients book")


def _without_hold(slot: Mapping[str, Any]) -> list[Any]:
    return [e for e in slot.get("extension") or () if e.get("url") != HOLD_URL]


async def _take(
    writer: GenesisWriter, slot: Resource, request_key: str, target: str, replaces: Sequence[str] = ()
) -> Resource:
    """Mark the free slot busy, held by this request; a 412 means someone else took it first."""
    parts: list[dict[str, Any]] = [{"url": "request", "valueString": request_key}]
    parts += [{"url": "replaces", "valueReference": {"reference": f"Slot/{sid}"}} for sid in replaces]
    body = {**slot, "status": "busy", "extension": [*_without_hold(slot), {"url": HOLD_URL, "extension": parts}]}
    try:
        return await writer.client.update(_KIND, body, if_match=version_of(slot))
    except UpstreamRejected as exc:
        if exc.status in _CONFLICT:
            raise SlotUnavailable(target, "another request took the slot first") from exc
        raise


async def _release(writer: GenesisWriter, slot: Resource, owners: Iterable[str]) -> None:
    """Free a busy slot unless another request holds it; a 412 means it moved on: leave it."""
    holder, _ = _hold(slot)
    if slot.get("status") != "busy" or (holder is not None and holder not in set(owners)):
        return
    body = {**slot, "status": "free"}
    body["extension"] = _without_hold(slot)
    if not body["extension"]:
        del body["extension"]
    try:
        await writer.client.update(_KIND, body, if_match=version_of(slot))
    except UpstreamRejected as exc:
        if exc.status not in _CONFLICT:
            raise


async def _release_ids(writer: GenesisWriter, slot_ids: Iterable[str], owners: Iterable[str]) -> None:
    owners = set(owners)
    for sid in slot_ids:
        slot = await _read(writer, "Slot", sid) if valid_id(sid) else None
        if slot is not None:
            await _release(writer, slot, owners)


# ---- appointments -------------------------------------------------------------------------------


def _participants(patient_id: str, schedule: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    actors: list[Any] = [{"reference": f"Patient/{patient_id}"}]
    for actor in (schedule or {}).get("actor") or ():
        if ref_id(actor, "Practitioner") or ref_id(actor, "Location"):
            actors.append(dict(actor))
    return [{"actor": a, "required": "required", "status": "accepted"} for a in actors]


def _minutes(slot: Mapping[str, Any]) -> int | None:
    start, end = instant(slot.get("start")), instant(slot.get("end"))
    return int((end - start).total_seconds() // 60) if start and end else None


def _on_slot(appt: Mapping[str, Any], slot: Mapping[str, Any], schedule: Mapping[str, Any] | None) -> dict[str, Any]:
    """The appointment's slot, times (the slot's own strings, offset kept) and people."""
    patient_id = _patient_of(appt) or ""
    out = {
        **appt,
        "slot": [{"reference": f"Slot/{slot.get('id')}"}],
        "start": slot.get("start"),
        "end": slot.get("end"),
        "participant": _participants(patient_id, schedule),
    }
    minutes = _minutes(slot)
    if minutes is not None:
        out["minutesDuration"] = minutes
    return out


def _new_appointment(
    slot: Mapping[str, Any], schedule: Mapping[str, Any] | None, patient_id: str, reason: str | None,
    request_key: str, now: dt.datetime,
) -> dict[str, Any]:
    appt: dict[str, Any] = {
        "resourceType": "Appointment",
        "identifier": [{"system": REQUEST_SYSTEM, "value": request_key}],
        "status": "booked",
        "serviceCategory": slot.get("serviceCategory") or [],
        "created": fhir_instant(now),
        "participant": [{"actor": {"reference": f"Patient/{patient_id}"}}],
    }
    if reason:
        appt["description"] = reason
        appt["reasonCode"] = [{"text": reason}]
    return _on_slot(appt, slot, schedule)


def _marked(appt: Mapping[str, Any], request_key: str) -> list[Any]:
    return [*(appt.get("extension") or ()), {"url": MARK_URL, "valueString": request_key}]


def _ids_ok(*ids: tuple[str, str]) -> None:
    for value, target in ids:
        if not valid_id(value):
            raise WriteRefused("NOT_FOUND", target, "no such resource")


async def book(writer: GenesisWriter, booking: Booking) -> AppointmentRecord:
    """Book the slot for the patient; a rerun with the same `request_key` finds the first booking."""
    slot_id, patient_id, request_key = booking.slot_id, booking.patient_id, booking.request_key
    _ids_ok((slot_id, "slot"))
    identifier = f"{REQUEST_SYSTEM}|{request_key}"
    earlier = search_url("Appointment", [("identifier", identifier), ("patient", patient_id)])
    found = await writer.client.batch(_KIND, [("GET", earlier), ("GET", _slot_search(slot_id))])
    existing, _ = _one(found[0], "Appointment")
    if existing is not None:
        return _record(writer, existing)  # an earlier attempt committed: that is the booking
    slot, bundle = _one(found[1], "Slot")
    if slot is None:
        raise WriteRefused("NOT_FOUND", "slot", "no such slot")
    schedule = bundle.included("Schedule").get(ref_id(slot.get("schedule"), "Schedule") or "")
    holder, _ = _hold(slot)
    if not (slot.get("status") == "busy" and holder == request_key):  # else: an earlier attempt took it
        _check_bookable(slot, writer.now(), "slot")
        slot = await _take(writer, slot, request_key, "slot")
    resource = _new_appointment(slot, schedule, patient_id, booking.reason, request_key, writer.now())
    condition = [("identifier", identifier), ("patient", patient_id)]
    try:
        created = await writer.client.create_conditional(_KIND, resource, if_none_exist=condition)
    except UpstreamRejected:
        await _release(writer, slot, {request_key})  # GENESIS said no: nothing booked, give the slot back
        raise
    return _record(writer, created)


def _owned(appt: Resource | None, patient_id: str) -> Resource:
    """The appointment if it is this patient's; anyone else's is NOT_FOUND (never revealed)."""
    if appt is None or _patient_of(appt) != patient_id:
        raise WriteRefused("NOT_FOUND", "appointment", "no such appointment")
    return appt


async def cancel(writer: GenesisWriter, cancellation: Cancellation) -> AppointmentRecord:
    """Cancel the patient's future booked appointment, then free its slot."""
    appointment_id, patient_id = cancellation.appointment_id, cancellation.patient_id
    reason, request_key = cancellation.reason, cancellation.request_key
    _ids_ok((appointment_id, "appointment"))
    appt = _owned(await _read(writer, "Appointment", appointment_id), patient_id)
    for attempt in range(2):
        owners = _request_keys(appt)
        if appt.get("status") == "cancelled" and request_key in owners:
            await _release_ids(writer, _slot_ids(appt), owners)  # finish what an earlier attempt began
            return _record(writer, appt)
        if not _changeable(appt, writer.now()):
            raise WriteRefused("NOT_CANCELLABLE", "appointment", "only future booked appointments can be cancelled")
        body = {
            **appt,
            "status": "cancelled",
            "cancelationReason": {"text": reason or "Cancelled by the patient"},
            "extension": _marked(appt, request_key),
        }
        try:
            updated = await writer.client.update(_KIND, body, if_match=version_of(appt))
        except UpstreamRejected as exc:
            if exc.status not in _CONFLICT or attempt:
                raise
            appt = _owned(await _read(writer, "Appointment", appointment_id), patient_id)
            continue
        await _release_ids(writer, _slot_ids(updated), owners | {request_key})
        return _record(writer, updated)
    raise AssertionError("unreachable")


async def reschedule(writer: GenesisWriter, move: Rescheduling) -> AppointmentRecord:
    """Move the patient's appointment to the new slot: take it, update the appointment, free the old."""
    appointment_id, new_slot_id = move.appointment_id, move.new_slot_id
    patient_id, request_key = move.patient_id, move.request_key
    _ids_ok((appointment_id, "appointment"), (new_slot_id, "newSlot"))
    appt_search = search_url("Appointment", [("_id", appointment_id)])
    found = await writer.client.batch(_KIND, [("GET", appt_search), ("GET", _slot_search(new_slot_id))])
    appt = _owned(_one(found[0], "Appointment")[0], patient_id)
    slot, bundle = _one(found[1], "Slot")
    if slot is None:
        raise WriteRefused("NOT_FOUND", "newSlot", "no such slot")
    owners = _request_keys(appt)
    old_slots = _slot_ids(appt)
    holder, replaces = _hold(slot)
    if new_slot_id in old_slots:
        if request_key in owners:  # an earlier attempt moved it: free what it replaced
            await _release_ids(writer, [s for s in replaces if s != new_slot_id], owners)
            return _record(writer, appt)
        raise SlotUnavailable("newSlot", "the appointment is already in that slot")
    if not _changeable(appt, writer.now()):
        raise WriteRefused("NOT_CANCELLABLE", "appointment", "only future booked appointments can be rescheduled")
    if service_of(slot.get("serviceCategory") or ()) != service_of(appt.get("serviceCategory") or ()):
        raise WriteRefused("SERVICE_MISMATCH", "newSlot", "the new slot is for another service")
    schedule = bundle.included("Schedule").get(ref_id(slot.get("schedule"), "Schedule") or "")
    if not (slot.get("status") == "busy" and holder == request_key):
        _check_bookable(slot, writer.now(), "newSlot")
        slot = await _take(writer, slot, request_key, "newSlot", replaces=old_slots)
    body = {**_on_slot(appt, slot, schedule), "extension": _marked(appt, request_key)}
    try:
        updated = await writer.client.update(_KIND, body, if_match=version_of(appt))
    except UpstreamRejected as exc:
        await _release(writer, slot, {request_key})
        if exc.status in _CONFLICT:
            raise WriteRefused("NOT_CANCELLABLE", "appointment", "the appointment changed meanwhile") from exc
        raise
    await _release_ids(writer, old_slots, owners)
    return _record(writer, updated)
