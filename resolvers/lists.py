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

__all__ = ["RecordList", "all_records", "prefetch_all", "record_list"]


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
    wanted = _whole_list(ctx, handle, kind, filters or Filters(), sources)
    results = await asyncio.gather(*(_fetch(ctx, handle, s, kind, q, path) for s, q in wanted.items()))
    pages = {s: p for s, p in zip(wanted, results, strict=True) if p is not None}
    merged = merge_pages(pages, 10 * ctx.services.settings.max_page_size, {})
    return [item.record for item in merged.items]


def prefetch_all(
    ctx: RequestContext, handle: PatientHandle, kind: RecordKind, sources: tuple[RecordSource, ...] | None = None
) -> None:
    """Start the reads `all_records` will make, so that they go out in the current wave; nothing is
    audited until `all_records` hands the records on."""
    for source, query in _whole_list(ctx, handle, kind, Filters(), sources).items():
        ctx.loaders.prefetch(source, kind, query)


def _whole_list(
    ctx: RequestContext,
    handle: PatientHandle,
    kind: RecordKind,
    filters: Filters,
    sources: tuple[RecordSource, ...] | None,
) -> dict[RecordSource, Query]:
    """The one query per linked source that reads a short list kind whole."""
    limit = ctx.services.settings.max_page_size
    wanted: dict[RecordSource, Query] = {}
    for source in sources or tuple(ctx.services.providing(kind)):
        link = handle.link(source)
        if link is not None and source in ctx.services.sources:
            wanted[source] = Query(link, PageRequest(limit, None, filters))
    return wanted
