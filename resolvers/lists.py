"""Record lists across sources: fan out per source, merge newest first, page with cursors."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sources.base import Filters, Page, PageRequest, Position, Query
from sources.errors import SourceError
from sources.records import RecordKind, RecordSource

from .context import RequestContext
from .cursors import decode_cursor, encode_cursor
from .errors import BadUserInput
from .federation import merge_pages
from .patients import PatientHandle
from .totals import exact_total, needs_business_ids

__all__ = ["RecordList", "all_records", "record_list"]


@dataclass(frozen=True)
class RecordList:
    edges: list[tuple[str, Any]]  # (cursor, record)
    has_next: bool
    end_cursor: str | None
    total: int | None


def _check_first(ctx: RequestContext, first: int) -> None:
    limit = ctx.services.settings.max_page_size
    if first < 0 or first > limit:
        raise BadUserInput(f"`first` must be between 0 and {limit}.", argument="first")


async def _fetch(
    ctx: RequestContext,
    handle: PatientHandle,
    source: RecordSource,
    kind: RecordKind,
    query: Query,
    path: tuple[str | int, ...],
) -> Page | None:
    try:
        page = await ctx.loaders.fetch(source, kind, query)
    except SourceError as exc:
        ctx.outcomes.failed(handle.dod_id, exc, path)
        return None
    ctx.audit.touch(handle.dod_id, kind=kind.value, source=source)
    return page


async def record_list(
    ctx: RequestContext,
    handle: PatientHandle,
    kind: RecordKind,
    *,
    first: int,
    after: str | None,
    filters: Filters,
    want_total: bool,
    path: tuple[str | int, ...],
    only: RecordSource | None = None,
) -> RecordList:
    """One page of `kind` for a patient across every source that holds it."""
    _check_first(ctx, first)
    key = ctx.services.settings.cursor_key
    list_name = f"{kind.value}:{filters.thread_id or ''}"
    start: dict[RecordSource, Position | None] = dict(decode_cursor(key, list_name, after)) if after else {}
    queries: dict[RecordSource, Query] = {}
    totals_only: dict[RecordSource, Query] = {}
    linked = [
        (source, link)
        for source in ctx.services.providing(kind)
        if (only is None or source == only) and (link := handle.link(source)) is not None
    ]
    ids = want_total and needs_business_ids(kind, len(linked))
    for source, link in linked:
        if source in start and start[source] is None:
            if want_total:
                totals_only[source] = Query(link, PageRequest(1, None, filters, True, ids))
            continue
        queries[source] = Query(link, PageRequest(first, start.get(source), filters, want_total, ids))
    names = list(queries) + list(totals_only)
    calls = [_fetch(ctx, handle, s, kind, q, path) for s, q in queries.items()]
    calls += [_fetch(ctx, handle, s, kind, q, path) for s, q in totals_only.items()]
    results = await asyncio.gather(*calls)
    pages = {s: p for s, p in zip(names[: len(queries)], results[: len(queries)], strict=True) if p}
    answered = [p for p in results if p is not None]
    # A total only where every source gave one: Millennium gives none on a paged search (null).
    total = exact_total(answered) if want_total and all(p.total is not None for p in answered) else None
    # A source absent from the cursor has not been read yet; None means it has nothing left.
    merged = merge_pages(pages, first, start)
    edges = [(encode_cursor(key, list_name, item.positions), item.record) for item in merged.items]
    end_cursor = edges[-1][0] if edges else after
    return RecordList(edges, merged.has_next, end_cursor, total)


async def all_records(
    ctx: RequestContext,
    handle: PatientHandle,
    kind: RecordKind,
    path: tuple[str | int, ...],
    filters: Filters | None = None,
    sources: tuple[RecordSource, ...] | None = None,
) -> list[Any]:
    """Every record of a short list kind (conditions, questionnaires, renewals), newest first."""
    limit = ctx.services.settings.max_page_size
    filters = filters or Filters()
    calls = []
    names = []
    for source in sources or tuple(ctx.services.providing(kind)):
        link = handle.link(source)
        if link is None or source not in ctx.services.sources:
            continue
        names.append(source)
        calls.append(_fetch(ctx, handle, source, kind, Query(link, PageRequest(limit, None, filters)), path))
    results = await asyncio.gather(*calls)
    pages = {s: p for s, p in zip(names, results, strict=True) if p is not None}
    merged = merge_pages(pages, 10 * limit, {})
    return [item.record for item in merged.items]
