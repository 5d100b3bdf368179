"""Prescription-level reads: renewal requests and renewal eligibility."""

from __future__ import annotations

import datetime as dt

from sources.capabilities import Feature
from sources.records import PrescriptionRecord, RecordKind, RecordSource, RenewalRequestRecord

from .context import RequestContext
from .lists import all_records, prefetch_all
from .patients import PatientHandle, opened
from .rules import OPEN_RENEWAL, Eligibility, renewal_eligibility

__all__ = ["pending_renewal", "prefetch_renewals", "renewal_of"]


def _renewal_source(ctx: RequestContext) -> RecordSource | None:
    """Where renewal requests are read: where writes go (GENESIS), when it holds them."""
    writes = ctx.services.writes
    if writes is None or writes.source not in ctx.services.providing(RecordKind.RENEWAL_REQUEST):
        return None
    return writes.source


def prefetch_renewals(ctx: RequestContext, handle: PatientHandle) -> None:
    """Start reading the patient's renewal requests beside their prescriptions (one wave, not two)."""
    source = _renewal_source(ctx)
    if source is not None:
        prefetch_all(ctx, handle, RecordKind.RENEWAL_REQUEST, sources=(source,))


async def _renewals(ctx: RequestContext, dod_id: str) -> list[RenewalRequestRecord]:
    handle = await opened(ctx, dod_id, ("renewals",))
    source = _renewal_source(ctx)
    if source is None:
        return []
    found = await all_records(ctx, handle, RecordKind.RENEWAL_REQUEST, ("renewals",), sources=(source,))
    return [x for x in found if isinstance(x, RenewalRequestRecord)]


async def pending_renewal(ctx: RequestContext, dod_id: str, rx: PrescriptionRecord) -> RenewalRequestRecord | None:
    """The newest open renewal request for a prescription where writes go (GENESIS)."""
    if not ctx.services.writable(rx.provenance.source):
        return None
    for req in await _renewals(ctx, dod_id):
        if req.prescription_id == rx.provenance.source_id and req.status in OPEN_RENEWAL:
            return req
    return None


async def renewal_of(ctx: RequestContext, dod_id: str, rx: PrescriptionRecord) -> Eligibility:
    """Whether the patient may ask to renew `rx` now."""
    source = rx.provenance.source
    if ctx.services.writable(source) and not ctx.services.writable(source, Feature.REQUEST_RENEWAL):
        return Eligibility(False, "NOT_SUPPORTED")  # where writes go, but renewals are not on offer now
    pending = await pending_renewal(ctx, dod_id, rx)
    today = dt.datetime.now(dt.UTC).date()
    return renewal_eligibility(rx, pending, today, writable=ctx.services.writable(rx.provenance.source))
