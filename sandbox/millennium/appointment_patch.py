"""`PATCH /Appointment/:id`: cancel, reschedule (replace the slot), arrive, check in, fulfil
(base/workflow/appointment.md, Patch; the operations of lib/resources/r4/appointment_patch.yaml)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.fhir.messages import FhirRequest, FhirResponse

from .errors import Conflict, Unprocessable
from .patch import Operation, parse_patch
from .slot_booking import book_slot, release_slot, slot_details
from .systems import extension_url
from .versions import check_if_match, save
from .writing import Resource, WriteContext, answer, existing, ref_id

__all__ = ["patch_appointment"]

_VIDEO = frozenset(
    (op, path)
    for op in ("add", "replace")
    for path in ("/contained/0/telecom/0/value", "/contained/1/telecom/0/value",
                 "/contained/0/telecom/0/period/start", "/contained/0/telecom/0/period/end")
)  # fmt: skip
_ALLOWED = _VIDEO | {
    ("replace", "/status"), ("add", "/slot"), ("replace", "/slot"), ("add", "/reasonCode"),
    ("add", "/cancelationReason"), ("replace", "/extension"), ("add", "/extension"), ("replace", "/comment"),
    ("replace", "/patient-status"),
}  # fmt: skip
_TRANSITIONS = {
    "proposed": {"booked", "cancelled"},
    "booked": {"arrived", "checked-in", "cancelled"},
    "arrived": {"checked-in", "cancelled"},
    "checked-in": {"fulfilled", "cancelled"},
}
_ACTION_COMMENT = extension_url("action-comment")
_RESCHEDULE_REASON = extension_url("reschedule-reason")


async def patch_appointment(ctx: WriteContext, request: FhirRequest, aid: str) -> FhirResponse:
    """Apply the patch under the appointment's lock (423 if another write holds it)."""
    current = existing(ctx.store, "Appointment", aid)
    with ctx.locks.hold(("Appointment", aid)):
        check_if_match(request, current)
        ops = {(o.op, o.path): o for o in parse_patch(request, _ALLOWED)}
        if set(ops) & _VIDEO:
            raise Unprocessable("Video Visit link operations apply only to Cerner Video Visit appointments")
        updated, effects = _apply(ctx, current, ops)
        for effect in effects:  # the slots change only once every check has passed
            effect()
        stored = save(ctx.store, updated)
    return answer(ctx, 200, stored)


def _apply(
    ctx: WriteContext, appt: Resource, ops: dict[tuple[str, str], Operation]
) -> tuple[Resource, list[Callable[[], None]]]:
    """The patched appointment, and the slot changes to make once every check has passed."""
    status = _new_status(appt, ops)
    moving = ("replace", "/slot") in ops
    out = dict(appt)
    effects: list[Callable[[], None]] = []
    if ("add", "/slot") in ops or moving:
        if ("add", "/slot") in ops and status != "booked":
            raise Unprocessable("add /slot must come with replace /status booked")
        out, effect = _onto_slot(ctx, out, ops.get(("add", "/slot")) or ops[("replace", "/slot")])
        effects.append(effect)
    elif status == "booked" and appt.get("status") == "proposed":
        raise Unprocessable("replace /status booked must come with add /slot")
    if status is not None:
        out["status"] = status
        if status == "cancelled":
            effects.append(_releasing(ctx, [ref_id(s, "Slot") for s in appt.get("slot") or ()]))
    _reason_and_notes(out, ops, status, moving)
    if ("replace", "/patient-status") in ops:
        out["participant"] = _patient_accepts(out, ops[("replace", "/patient-status")].value)
    return out, effects


def _releasing(ctx: WriteContext, slot_ids: list[str | None]) -> Callable[[], None]:
    def release() -> None:
        for sid in slot_ids:
            release_slot(ctx.store, sid)

    return release


def _new_status(appt: Resource, ops: dict[tuple[str, str], Operation]) -> str | None:
    op = ops.get(("replace", "/status"))
    if op is None:
        return None
    current, wanted = appt.get("status"), op.value
    if wanted not in ("arrived", "checked-in", "cancelled", "booked", "fulfilled"):
        raise Unprocessable("only arrived, checked-in, cancelled, booked and fulfilled can be patched in")
    if wanted != current and wanted not in _TRANSITIONS.get(str(current), set()):
        raise Unprocessable(f"an appointment cannot go from {current} to {wanted}")
    return str(wanted)


def _onto_slot(ctx: WriteContext, appt: Resource, op: Operation) -> tuple[Resource, Callable[[], None]]:
    """Book (add) or move (replace) the appointment onto the one slot in `op.value`."""
    ids = [ref_id(v, "Slot") for v in op.value] if isinstance(op.value, list) else []
    if len(ids) != 1 or ids[0] is None:
        raise Unprocessable(f"{op.op} /slot takes a list of exactly one Slot reference")
    slot = ctx.store.get("Slot", ids[0])
    if slot is None:
        raise Unprocessable(f"Slot/{ids[0]} is not known")
    if slot.get("status") not in ("free", "busy-tentative"):
        raise Conflict(f"Slot/{ids[0]} is not free")
    old = [ref_id(s, "Slot") for s in appt.get("slot") or ()]

    def move() -> None:
        with ctx.locks.hold(("Slot", slot["id"])):
            for sid in old:
                release_slot(ctx.store, sid)
            book_slot(ctx.store, slot)

    details = slot_details(ctx.store, slot)
    patient = next((p for p in appt.get("participant") or () if ref_id(p.get("actor"), "Patient")), None)
    pid = ref_id((patient or {}).get("actor"), "Patient") or ""
    moved = {**appt, **details.fields(), "slot": [{"reference": f"Slot/{slot['id']}"}],
             "participant": details.participants(pid)}  # fmt: skip
    return moved, move


def _reason_and_notes(out: Resource, ops: dict[tuple[str, str], Operation], status: str | None, moving: bool) -> None:
    if (op := ops.get(("add", "/reasonCode"))) is not None:
        if status != "booked":
            raise Unprocessable("add /reasonCode must come with replace /status booked")
        if not isinstance(op.value, list) or len(op.value) > 1:
            raise Unprocessable("add /reasonCode takes a list of at most one CodeableConcept")
        out.pop("reasonCode", None)
        if op.value:
            out["reasonCode"] = [{"text": str((op.value[0] or {}).get("text", ""))}]
    if (op := ops.get(("add", "/cancelationReason"))) is not None:
        codings = op.value.get("coding") if isinstance(op.value, dict) else None
        if status != "cancelled" or not isinstance(codings, list) or len(codings) != 1:
            raise Unprocessable("add /cancelationReason takes one coding and comes with replace /status cancelled")
        out["cancelationReason"] = {"coding": codings}
    if (op := ops.get(("replace", "/extension"))) is not None:
        cancelling = status == "cancelled" and ("add", "/cancelationReason") in ops
        if not (cancelling or moving) or not _one_extension(op.value, _ACTION_COMMENT):
            raise Unprocessable("the action-comment extension comes with a cancellation or a slot replacement")
        out["extension"] = _with_extension(out, op.value[0])
    if (op := ops.get(("add", "/extension"))) is not None:
        if not moving:
            raise Unprocessable("the reschedule-reason extension comes with replace /slot")
        reason = {"url": _RESCHEDULE_REASON, "valueCodeableConcept": op.value}
        out["extension"] = _with_extension(out, reason)
    if (op := ops.get(("replace", "/comment"))) is not None:
        if not moving:
            raise Unprocessable("replace /comment comes with replace /slot")
        out["comment"] = str(op.value)


def _one_extension(value: Any, url: str) -> bool:
    return isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict) and value[0].get("url") == url


def _with_extension(appt: Resource, extension: Resource) -> list[Resource]:
    return [e for e in appt.get("extension") or () if e.get("url") != extension["url"]] + [extension]


def _patient_accepts(appt: Resource, value: Any) -> list[Resource]:
    if value != "accepted":
        raise Unprocessable("a participant status other than accepted is not supported")
    if appt.get("status") != "booked":
        raise Unprocessable("replace /patient-status applies to booked appointments only")
    out = []
    for p in appt.get("participant") or ():
        if ref_id(p.get("actor"), "Patient"):
            if p.get("status") != "tentative":
                raise Unprocessable("replace /patient-status applies to a tentative Patient participant only")
            p = {**p, "status": "accepted"}
        out.append(p)
    return out
