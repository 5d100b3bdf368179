"""Page requests → the page statement's parallel arrays, and its rows → one Page per request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sources.base import Page, Query
from sources.records import MessageFolder, Record

from .mapping import Row, business_key, clinics_for, legacy_statuses_for

__all__ = ["Batch"]

Mapper = Callable[[Row, dt.datetime], Record]


def _account(query: Query) -> str | None:
    return query.link.refs[0].patient_id if query.link.refs else None


class Batch:
    """The queries of one fetch call; those whose patient has no TOL account need no SQL."""

    def __init__(self, queries: Sequence[Query]) -> None:
        self.queries = queries
        self.asked = [i for i, q in enumerate(queries) if _account(q) is not None]

    def arrays(self) -> list[list[Any]]:
        """One array per PAGE_PARAMS entry, one element per asked query."""
        columns: list[list[Any]] = [[] for _ in range(14)]
        for position in self.asked:
            query = self.queries[position]
            page, filters = query.page, query.page.filters
            after = page.after
            row = (
                position,
                _account(query),
                after.time if after else None,
                after.id if after else None,
                max(0, page.first),
                page.want_total,
                filters.date_from,
                filters.date_to,
                ",".join(legacy_statuses_for(filters.statuses)) if filters.statuses else None,
                ",".join(clinics_for(filters.service)) if filters.service else None,
                filters.code,
                filters.active_only,
                filters.folder in (None, MessageFolder.ARCHIVE),
                filters.thread_id,
            )
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        return columns

    def pages(self, rows: Sequence[Row], mapper: Mapper, retrieved_at: dt.datetime) -> list[Page]:
        """One Page per query, aligned with the queries, from the statement's rows."""
        items: dict[int, list[Record]] = {}
        totals: dict[int, int] = {}
        held: dict[int, tuple[str, ...]] = {}
        for row in rows:
            position = row["ord"]
            totals[position] = row["total"]
            held[position] = tuple(k for b in row["business_ids"] or () if (k := business_key(b)))
            bucket = items.setdefault(position, [])
            if row["row_id"] is not None:
                bucket.append(mapper(row, retrieved_at))
        pages: list[Page] = []
        for position, query in enumerate(self.queries):
            first = max(0, query.page.first)
            found = items.get(position, [])
            total = totals.get(position, 0) if query.page.want_total else None
            ids = held.get(position, ()) if query.page.want_business_ids else None
            pages.append(Page(tuple(found[:first]), len(found) > first, total, ids))
        return pages
