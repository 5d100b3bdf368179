"""Open appointment slots in GENESIS that a patient may book."""

from __future__ import annotations

import datetime as dt

from sources.base import Filters, PageRequest, Query
from sources.errors import SourceError
from sources.records import CareService, Link, RecordKind, RecordSource, SlotRecord

from .context import RequestContext
from .errors import BadUserInput, GatewayError
from .ids import decode_id

__all__ = ["open_slots"]

MAX_WINDOW = dt.timedelta(days=92)


class SlotsUnavailable(GatewayError):
    code = "SOURCE_UNAVAILABLE"


async def open_slots(
    ctx: RequestContext,
    service: CareService,
    start: dt.datetime,
    end: dt.datetime,
    facility_id: str | None,
    path: tuple[str | int, ...],
) -> list[SlotRecord]:
    """Free GENESIS slots for `service` between `start` and `end`, soonest first."""
    if start.tzinfo is None or end.tzinfo is None:
        raise BadUserInput("`from` and `to` need a UTC offset.", argument="from")
    if end <= start or end - start > MAX_WINDOW:
        raise BadUserInput("The window must be positive and at most 92 days.", argument="to")
    facility = decode_id(facility_id, expect="Facility").source_id if facility_id else None
    if RecordSource.GENESIS not in ctx.services.sources:
        return []
    query = Query(
        Link(RecordSource.GENESIS, ""),
        PageRequest(
            ctx.services.settings.max_page_size,
            None,
            Filters(date_from=start, date_to=end, service=service),
        ),
    )
    try:
        page = await ctx.loaders.fetch(RecordSource.GENESIS, RecordKind.SLOT, query)
    except SourceError as exc:
        raise SlotsUnavailable("GENESIS could not be reached.", source=exc.source.value) from exc
    slots = [s for s in page.items if isinstance(s, SlotRecord)]
    if facility:
        slots = [s for s in slots if s.facility.id == facility]
    return sorted(slots, key=lambda s: (s.start, s.provenance.source_id))
