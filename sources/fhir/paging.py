"""Keyset paging over mapped records: newest first, ties by id descending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from ..base import Page, PageRequest, Position
from ..records import CareTeamRecord, QuestionnaireRecord, Record, RenewalRequestRecord, SlotRecord

__all__ = ["after", "cut", "sort_key"]

_EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


def sort_key(record: Record) -> tuple[dt.datetime, str]:
    """(time, source id): the order of every list, newest first."""
    if isinstance(record, RenewalRequestRecord):
        time = record.requested_at
    elif isinstance(record, CareTeamRecord | QuestionnaireRecord):
        time = _EPOCH
    elif isinstance(record, SlotRecord):
        time = record.start
    else:
        time = record.sort_time
    return (time, record.provenance.source_id)


def after(record: Record, position: Position | None, ascending: bool = False) -> bool:
    """Whether `record` comes strictly after `position` (newest first, or oldest first)."""
    if position is None:
        return True
    if ascending:
        return sort_key(record) > (position.time, position.id)
    return sort_key(record) < (position.time, position.id)


def cut(
    records: Iterable[Record],
    page: PageRequest,
    total: int | None = None,
    ascending: bool = False,
) -> Page:
    """The page `page` asks for out of `records` (any order, possibly beyond the page)."""
    ordered: Sequence[Record] = sorted(
        (r for r in records if after(r, page.after, ascending)),
        key=sort_key,
        reverse=not ascending,
    )
    return Page(tuple(ordered[: page.first]), len(ordered) > page.first, total)
