"""Open appointment slots in GENESIS that a patient may book."""

from __future__ import annotations

import datetime as dt

from sources.base import Filters, PageRequest, Position, Query
from sources.errors import SourceError
from sources.records import CareService, Link, RecordKind, SlotRecord

from .context import RequestContext
from .errors import BadUserInput, GatewayError
from .ids import decode_id

__all__ = ["open_slots"]

MAX_WINDOW = dt.timedelta(days=92)
MAX_PAGES = 10  # a facility filter reads at most this many pages of all facilities' slots


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
    """Free slots for `service` between `start` and `end` where booking goes (GENESIS), soonest first."""
    if start.tzinfo is None or end.tzinfo is None:
        raise BadUserInput("`from` and `to` need a UTC offset.", argument="from")
    if end <= start or end - start > MAX_WINDOW:
        raise BadUserInput("The window must be positive and at most 92 days.", argument="to")
    facility = decode_id(facility_id, expect="Facility").source_id if facility_id else None
    writes = ctx.services.writes
    if writes is None or writes.source not in ctx.services.providing(RecordKind.SLOT):
        return []  # slots are offered only where they can be booked
    source = writes.source
    limit = ctx.services.settings.max_page_size
    filters = Filters(date_from=start, date_to=end, service=service)
    found: list[SlotRecord] = []
    after: Position | None = None
    # With a facility filter, read on (soonest first) until enough of that facility's slots are found.
    for _ in range(MAX_PAGES if facility else 1):
        query = Query(Link(source, ""), PageRequest(limit, after, filters))
        try:
            page = await ctx.loaders.fetch(source, RecordKind.SLOT, query)
        except SourceError as exc:
            raise SlotsUnavailable(f"{source} could not be reached.", source=exc.source) from exc
        slots = [s for s in page.items if isinstance(s, SlotRecord)]
        found += [s for s in slots if facility is None or s.facility.id == facility]
        if len(found) >= limit or not page.has_more or not slots:
            break
        after = Position(slots[-1].start, slots[-1].provenance.source_id)
    return sorted(found, key=lambda s: (s.start, s.provenance.source_id))[:limit]
