"""Prescription-level reads: renewal requests and renewal eligibility."""

from __future__ import annotations

import datetime as dt

from sources.capabilities import Feature
from sources.records import PrescriptionRecord, RecordKind, RenewalRequestRecord

from .context import RequestContext
from .lists import all_records
from .patients import opened
from .rules import OPEN_RENEWAL, Eligibility, renewal_eligibility

__all__ = ["pending_renewal", "renewal_of"]


async def _renewals(ctx: RequestContext, dod_id: str) -> list[RenewalRequestRecord]:
    handle = await opened(ctx, dod_id, ("renewals",))
    writes = ctx.services.writes
    if writes is None or writes.source not in ctx.services.providing(RecordKind.RENEWAL_REQUEST):
        return []
    found = await all_records(ctx, handle, RecordKind.RENEWAL_REQUEST, ("renewals",), sources=(writes.source,))
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
