"""requestPrescriptionRenewal: the patient asks to renew an eligible GENESIS prescription."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sources.base import PageRequest, Query
from sources.calls.deadline import deadline_at
from sources.errors import SourceError, SourceUnavailable
from sources.genesis.writes import GenesisWriter
from sources.genesis.writes.renewals import RenewalTask, renewal_written_by, request_renewal
from sources.records import PrescriptionRecord, RecordKind, RecordSource, RenewalRequestRecord

from ..context import RequestContext
from ..ids import GlobalId
from ..loaders import Loaders
from ..patients import PatientHandle, open_patient
from ..principal import Role
from ..rules import OPEN_RENEWAL, renewal_eligibility
from .actor import acting_patient
from .codec import dump, load
from .idempotency import request_key, run_idempotent
from .inputs import input_id
from .results import ActionResult, UserErrorRecord

__all__ = ["MAX_NOTE", "OPERATION", "RenewalAnswer", "request_prescription_renewal"]

OPERATION = "requestPrescriptionRenewal"
MAX_NOTE = 2000
_KIND = RecordKind.RENEWAL_REQUEST.value
_GENESIS = RecordSource.GENESIS
_RX_FIELD = ("input", "prescriptionId")
_REFUSALS = {
    "HAS_REFILLS": "This prescription still has refills; ask the pharmacy for a refill instead.",
    "NOT_GENESIS": "Only MHS GENESIS prescriptions can be renewed here.",
    "INACTIVE": "This prescription is no longer active and cannot be renewed.",
    "RENEWAL_PENDING": "A renewal request for this prescription is already open.",
}


@dataclass(frozen=True, slots=True)
class RenewalAnswer:
    """The mutation's answer: the request and its prescription, or why nothing was written."""

    dod_id: str
    renewal: RenewalRequestRecord | None = None
    prescription: PrescriptionRecord | None = None
    user_errors: tuple[UserErrorRecord, ...] = ()


async def request_prescription_renewal(
    ctx: RequestContext, *, prescription_id: str, note: str | None, key: str, path: tuple[str | int, ...]
) -> RenewalAnswer:
    """Create a renewal Task for the patient's own eligible prescription (once per key)."""
    if ctx.principal.role is not Role.PATIENT:
        refused = ActionResult.refused("FORBIDDEN", _NOT_PATIENT)
        ctx.audit.touch(acting_patient(ctx), action="create", outcome="denied", kind=_KIND, source=_GENESIS.value)
        return RenewalAnswer("", user_errors=refused.user_errors)
    dod_id = ctx.principal.subject
    gid = input_id(prescription_id, "Prescription", ("input", "prescriptionId"))
    if isinstance(gid, ActionResult):
        ctx.audit.touch(dod_id, action="create", outcome="denied", kind=_KIND, source=_GENESIS.value)
        return RenewalAnswer(dod_id, user_errors=gid.user_errors)
    handle = await open_patient(ctx, dod_id, path)
    inputs = {"prescriptionId": prescription_id, "note": note}
    result = await run_idempotent(ctx, OPERATION, key, inputs, lambda: _request(ctx, handle, gid, note, key))
    ctx.audit.touch(dod_id, action="create", outcome=result.outcome, kind=_KIND, source=_GENESIS.value)
    if result.user_errors:
        return RenewalAnswer(dod_id, user_errors=result.user_errors)
    return _answer(ctx, dod_id, result.data)


_NOT_PATIENT = "Only the patient can ask for a renewal; nothing was written."


async def _request(
    ctx: RequestContext, handle: PatientHandle, gid: GlobalId, note: str | None, key: str
) -> ActionResult:
    if note is not None and len(note) > MAX_NOTE:
        return ActionResult.refused(
            "NOTE_TOO_LONG", f"The note may be at most {MAX_NOTE} characters.", ("input", "note")
        )
    rx = await _own_prescription(ctx, handle, gid.record_source, gid.source_id)
    if rx is None:
        return ActionResult.refused("NOT_FOUND", "No such prescription in your record.", _RX_FIELD)
    pending = await _open_request(ctx, handle, rx)
    writer = ctx.services.writer
    rkey = request_key(ctx, OPERATION, key)
    if pending is not None and isinstance(writer, GenesisWriter):
        with deadline_at(ctx.deadline):
            if await renewal_written_by(writer, rkey) == pending.provenance.source_id:
                pending = None  # this request's own Task (its answer was lost): the create below finds it
    eligibility = renewal_eligibility(rx, pending, dt.datetime.now(dt.UTC).date())
    if not eligibility.eligible:
        message = _REFUSALS.get(eligibility.reason, "This prescription cannot be renewed now.")
        return ActionResult.refused(eligibility.reason, message, _RX_FIELD)
    if not isinstance(writer, GenesisWriter):
        raise SourceUnavailable(_GENESIS, "GENESIS writes are not configured")
    task = RenewalTask(
        request_key=rkey,
        patient_id=rx.patient_id,
        prescription_id=rx.provenance.source_id,
        prescriber_id=rx.prescriber.id if rx.prescriber else None,
        note=note or None,
        authored_at=writer.now(),
    )
    with deadline_at(ctx.deadline):
        created = await request_renewal(writer, task)
    return ActionResult.ok(renewalRequest=dump(created), prescription=dump(rx))


async def _own_prescription(
    ctx: RequestContext, handle: PatientHandle, source: RecordSource, source_id: str
) -> PrescriptionRecord | None:
    """The prescription if it is in the patient's own record (at any source), else None."""
    failed = handle.links.get(source)
    if isinstance(failed, SourceError):
        raise failed  # not linked now is not "not yours": the source could not be asked
    link = handle.link(source)
    if link is None or source not in ctx.services.sources:
        return None
    rx = await ctx.loaders.get(source, RecordKind.PRESCRIPTION, source_id)
    mine = {ref.patient_id for ref in link.refs}
    return rx if isinstance(rx, PrescriptionRecord) and rx.patient_id in mine else None


async def _open_request(
    ctx: RequestContext, handle: PatientHandle, rx: PrescriptionRecord
) -> RenewalRequestRecord | None:
    """The open renewal request for `rx`; a GENESIS failure raises (never assume none is open)."""
    link = handle.link(_GENESIS)
    if link is None or rx.provenance.source is not _GENESIS:
        return None
    limit = ctx.services.settings.max_page_size
    page = await ctx.loaders.fetch(_GENESIS, RecordKind.RENEWAL_REQUEST, Query(link, PageRequest(limit)))
    for req in page.items:
        if (
            isinstance(req, RenewalRequestRecord)
            and req.prescription_id == rx.provenance.source_id
            and req.status in OPEN_RENEWAL
        ):
            return req
    return None


def _answer(ctx: RequestContext, dod_id: str, data: Mapping[str, Any]) -> RenewalAnswer:
    """The (first) result as records; reads after the write see GENESIS afresh."""
    ctx.loaders = Loaders(ctx.services.sources, ctx.deadline, ctx.services.settings.source_timeout)
    renewal = load(RenewalRequestRecord, data["renewalRequest"])
    return RenewalAnswer(dod_id, renewal, load(PrescriptionRecord, data["prescription"]))
