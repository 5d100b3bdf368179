"""requestPrescriptionRenewal: the patient asks to renew an eligible prescription where writes go."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sources.base import PageRequest, Query
from sources.capabilities import Feature
from sources.records import PrescriptionRecord, RecordKind, RenewalRequestRecord
from sources.writes import RenewalAsk

from ..context import RequestContext
from ..ids import GlobalId
from ..rules import OPEN_RENEWAL, renewal_eligibility
from .inputs import input_id
from .pipeline import Refused, WriteAction, WriteCall

__all__ = ["MAX_NOTE", "RENEWAL", "RenewalInput", "Renewed"]

MAX_NOTE = 2000
_RX_FIELD = ("input", "prescriptionId")
_REFUSALS = {
    "HAS_REFILLS": "This prescription still has refills; ask the pharmacy for a refill instead.",
    "NOT_GENESIS": "Only MHS GENESIS prescriptions can be renewed here.",
    "INACTIVE": "This prescription is no longer active and cannot be renewed.",
    "RENEWAL_PENDING": "A renewal request for this prescription is already open.",
}


@dataclass(frozen=True, slots=True)
class RenewalInput:
    prescription_id: str
    note: str | None


@dataclass(frozen=True, slots=True)
class Renewed:
    """The renewal request as the source holds it, and the prescription it is for."""

    renewal_request: RenewalRequestRecord
    prescription: PrescriptionRecord


@dataclass(frozen=True, slots=True)
class _Clean:
    prescription: GlobalId
    note: str | None
    sent: RenewalInput


async def _open_request(call: WriteCall, rx: PrescriptionRecord) -> RenewalRequestRecord | None:
    """The open renewal request for `rx`; a source failure raises (never assume none is open)."""
    source = call.writes.source
    link = call.patient.link(source)
    if link is None or rx.provenance.source != source:
        return None
    limit = call.ctx.services.settings.max_page_size
    page = await call.ctx.loaders.fetch(source, RecordKind.RENEWAL_REQUEST, Query(link, PageRequest(limit)))
    for req in page.items:
        if (
            isinstance(req, RenewalRequestRecord)
            and req.prescription_id == rx.provenance.source_id
            and req.status in OPEN_RENEWAL
        ):
            return req
    return None


@dataclass(frozen=True)
class RequestRenewal(WriteAction[RenewalInput, _Clean, Renewed]):
    """Ask for a renewal of the patient's own eligible prescription (once per key)."""

    operation: ClassVar[str] = "requestPrescriptionRenewal"
    audit_action: ClassVar[str] = "create"
    kind: ClassVar[RecordKind] = RecordKind.RENEWAL_REQUEST
    result: ClassVar[type[Any]] = Renewed
    not_patient: ClassVar[str] = "Only the patient can ask for a renewal; nothing was written."

    def needs(self, raw: RenewalInput) -> Feature:
        return Feature.REQUEST_RENEWAL

    def clean(self, raw: RenewalInput, ctx: RequestContext) -> _Clean:
        gid = input_id(raw.prescription_id, "Prescription", _RX_FIELD)
        if raw.note is not None and len(raw.note) > MAX_NOTE:
            raise Refused.one("NOTE_TOO_LONG", f"The note may be at most {MAX_NOTE} characters.", ("input", "note"))
        return _Clean(gid, raw.note or None, raw)

    def targets(self, raw: RenewalInput) -> tuple[str, ...]:
        return (raw.prescription_id,)

    def inputs(self, clean: _Clean) -> Mapping[str, Any]:
        return {"prescriptionId": clean.sent.prescription_id, "note": clean.sent.note}

    async def run(self, call: WriteCall, clean: _Clean) -> Renewed:
        rx = await call.own(RecordKind.PRESCRIPTION, clean.prescription)
        if not isinstance(rx, PrescriptionRecord):
            raise Refused.one("NOT_FOUND", "No such prescription in your record.", _RX_FIELD)
        pending = await _open_request(call, rx)
        ours = pending is not None and await call.writes.renewal_written_by(call.request_key)
        if pending is not None and ours == pending.provenance.source_id:
            pending = None  # this request's own (its answer was lost): the write below finds it
        today = dt.datetime.now(dt.UTC).date()
        eligibility = renewal_eligibility(rx, pending, today, writable=call.ctx.services.writable(rx.provenance.source))
        if not eligibility.eligible:
            message = _REFUSALS.get(eligibility.reason, "This prescription cannot be renewed now.")
            raise Refused.one(eligibility.reason, message, _RX_FIELD)
        ask = RenewalAsk(
            request_key=call.request_key,
            patient_id=rx.patient_id,
            prescription_id=rx.provenance.source_id,
            prescriber_id=rx.prescriber.id if rx.prescriber else None,
            note=clean.note,
            authored_at=call.writes.now(),
        )
        return Renewed(await call.writes.request_renewal(ask), rx)


RENEWAL = RequestRenewal()
