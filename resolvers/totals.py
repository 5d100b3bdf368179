"""Exact totals across sources: each source's count, less the duplicates the merge collapses."""

from __future__ import annotations

from collections.abc import Iterable

from sources.base import Page
from sources.duplicates import collapse
from sources.records import RecordKind

__all__ = ["MERGED_KINDS", "exact_total", "needs_business_ids"]

# Kinds whose records carry a business id (accession number, master identifier, Rx number):
# records of different sources with the same one come back once, so totals must count it once.
MERGED_KINDS = frozenset(
    {
        RecordKind.APPOINTMENT,
        RecordKind.CLINICAL_NOTE,
        RecordKind.LAB_RESULT,
        RecordKind.PRESCRIPTION,
        RecordKind.CONDITION,
    }
)


def needs_business_ids(kind: RecordKind, sources: int) -> bool:
    """Whether a total of `kind` over `sources` sources must look for duplicates."""
    return kind in MERGED_KINDS and sources > 1


def exact_total(pages: Iterable[Page]) -> int:
    """Sum of the sources' totals, each record held by several sources counted once (`collapse`)."""
    total = 0
    held: list[tuple[int, str | None]] = []
    for n, page in enumerate(pages):
        total += page.total or 0
        held += [(n, key) for key in page.business_ids or ()]
    return total - sum(len(group) - 1 for group in collapse(held))
