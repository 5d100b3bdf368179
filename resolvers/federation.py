"""Merge per-source pages into one newest-first page, collapsing duplicates across sources."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sources.base import Page, Position
from sources.duplicates import collapse
from sources.records import RecordSource
from sources.registry import rank_of

__all__ = ["Merged", "merge_pages", "source_rank"]


def source_rank(source: RecordSource) -> int:
    """Lower is more authoritative (the rank each source's spec registers)."""
    return rank_of(source)


@dataclass(frozen=True, slots=True)
class MergedItem:
    record: Any
    positions: dict[RecordSource, Position | None]  # the cursor right after this item


@dataclass(frozen=True, slots=True)
class Merged:
    items: list[MergedItem]
    positions: dict[RecordSource, Position | None]
    has_next: bool


def _time(record: Any) -> dt.datetime:
    value: dt.datetime = record.sort_time
    return value


def _order(records: list[Any]) -> list[Any]:
    """Newest first; at one instant, by source rank, then by source id descending: the order
    each source pages in (`(time, id) < position`), so a cursor never skips or repeats a tie."""
    by_id = sorted(records, key=lambda r: r.provenance.source_id, reverse=True)
    return sorted(by_id, key=lambda r: (-_time(r).timestamp(), source_rank(r.provenance.source)))


def merge_pages(
    pages: Mapping[RecordSource, Page],
    first: int,
    start: Mapping[RecordSource, Position | None],
) -> Merged:
    """Take the newest `first` records across `pages`; duplicates come back once (the rule of
    `sources.duplicates.collapse`: lab results by what both sides carry, others by business id).

    `start` holds each source's position before this page (None: exhausted; absent: not read
    yet). The result's
    positions say where each source stands after the page, so the next page asks each source
    only for what follows.
    """
    candidates = _order([r for page in pages.values() for r in page.items])
    together = collapse([(r.provenance.source, getattr(r, "business_id", None)) for r in candidates])
    groups: dict[int, list[Any]] = {}
    for group in together:
        for i in group:
            groups[id(candidates[i])] = [candidates[j] for j in group]

    positions: dict[RecordSource, Position | None] = dict(start)
    taken: list[MergedItem] = []
    consumed: set[int] = set()
    for record in candidates:
        if len(taken) >= first:
            break
        if id(record) in consumed:
            continue
        members = sorted(groups[id(record)], key=lambda r: source_rank(r.provenance.source))
        primary = members[0]
        also = tuple(
            sorted(
                {m.provenance.source for m in members[1:]} - {primary.provenance.source},
                key=source_rank,
            )
        )
        for member in members:
            consumed.add(id(member))
            positions[member.provenance.source] = Position(_time(member), member.provenance.source_id)
        if also:
            primary = dataclasses.replace(primary, provenance=dataclasses.replace(primary.provenance, also_in=also))
        taken.append(MergedItem(primary, dict(positions)))

    has_next = False
    for source, page in pages.items():
        left = any(id(r) not in consumed for r in page.items)
        if left or page.has_more:
            has_next = True
        else:
            positions[source] = None  # nothing more in this source
    if taken:
        taken[-1] = MergedItem(taken[-1].record, dict(positions))
    return Merged(taken, positions, has_next)
