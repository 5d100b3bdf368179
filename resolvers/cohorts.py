"""Cohort questions for analysts: checked criteria, counts from the mart, small cells suppressed.

Counts come from the de-identified mart (`CohortMart`), never from live FHIR searches. Every cell
of the asked breakdown is answered, the empty ones too, so that which combinations exist is not
told by which cells come back; a cell (or the total) below the threshold is suppressed and
flagged, and when a breakdown partitions the total and only one cell is suppressed, the next
smallest is suppressed too, so that it cannot be had by subtraction. Members are listed only for
a cohort at least as large as the threshold, by the project's pseudonyms. Each question is audited.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .analysts import project_keys
from .context import RequestContext
from .deid import pseudonym, seal_person
from .errors import BadUserInput, GatewayError
from .ports import CohortCounts, CohortQuery, Dimension, LabCriterion, MartFreshness, Place, StoreError

__all__ = ["Cell", "CohortAnswer", "MartNotReady", "MemberPage", "ask_cohort", "cohort_members", "suppress"]

_ICD10 = re.compile(r"[A-Z][0-9A-Z]{0,2}(\.[0-9A-Z]{0,4})?\Z")
_LOINC = re.compile(r"[0-9]{1,7}-[0-9]\Z")
_RXNORM = re.compile(r"[0-9]{1,10}\Z")
_ANON = re.compile(r"anon-[0-9a-f]{24}\Z")
SEXES = ("female", "male", "other", "unknown")
MAX_DIMENSIONS = 3
MAX_CELLS = 5000
MAX_PAGE = 100


class MartNotReady(GatewayError):
    """No snapshot of the mart has been built yet (the export job is still running)."""

    code = "MART_NOT_READY"

    def __init__(self) -> None:
        super().__init__("The de-identified mart is still being built; try again in a moment.")


class MartUnavailable(GatewayError):
    code = "MART_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__("The de-identified mart cannot be read right now.")


@dataclass(frozen=True, slots=True)
class Cell:
    values: tuple[str | None, ...]  # one per dimension; facilities as Place keys
    count: int | None  # None: suppressed
    suppressed: bool


@dataclass(frozen=True)
class CohortAnswer:
    query: CohortQuery
    threshold: int
    total: int | None
    dimensions: tuple[Dimension, ...]
    cells: tuple[Cell, ...]
    places: dict[str, Place]
    freshness: MartFreshness


@dataclass(frozen=True)
class MemberPage:
    members: list[tuple[str, str]]  # the project's patient id and pseudonym
    has_next: bool
    end_cursor: str | None


def check_query(query: CohortQuery, dimensions: Sequence[Dimension]) -> CohortQuery:
    """The query with codes normalised; BAD_USER_INPUT naming what is malformed."""
    conditions = tuple(c.strip().upper() for c in query.conditions)
    _each(conditions, _ICD10, "criteria.conditions", "an ICD-10-CM code or prefix (E11, E11.9)")
    _each(tuple(lab.code.strip() for lab in query.labs), _LOINC, "criteria.labs.code", "a LOINC code (4548-4)")
    medications = tuple(m.strip() for m in query.medications)
    _each(medications, _RXNORM, "criteria.medications", "an RxNorm code (860975)")
    sexes = tuple(s.strip().lower() for s in query.sexes)
    if any(s not in SEXES for s in sexes):
        raise BadUserInput(f"A sex is one of {', '.join(SEXES)}.", argument="criteria.sexes")
    if query.years is not None and not 1900 <= query.years[0] <= query.years[1] <= 2200:
        raise BadUserInput("A period runs from a year to the same or a later year.", argument="criteria.period")
    if len(set(dimensions)) != len(dimensions) or len(dimensions) > MAX_DIMENSIONS:
        raise BadUserInput(f"Break down by at most {MAX_DIMENSIONS} different dimensions.", argument="by")
    labs = tuple(LabCriterion(lab.code.strip(), lab.interpretations) for lab in query.labs)
    return CohortQuery(conditions, labs, medications, query.facilities, query.services, query.age_bands, sexes,
                       query.years)


def _each(values: tuple[str, ...], pattern: re.Pattern[str], argument: str, what: str) -> None:
    if any(pattern.match(v) is None for v in values):
        raise BadUserInput(f"Each value must be {what}.", argument=argument)


def suppress(counts: CohortCounts, dimensions: Sequence[Dimension], threshold: int) -> tuple[int | None, list[Cell]]:
    """The total and every cell of the grid, with those below `threshold` suppressed."""
    found = dict(counts.cells)
    grid = list(itertools.product(*(counts.domains[d] for d in dimensions))) if dimensions else []
    if len(grid) > MAX_CELLS:
        raise BadUserInput(f"That breakdown has more than {MAX_CELLS} cells; ask for fewer dimensions.",
                           argument="by")
    if counts.total < threshold:
        return None, [Cell(tuple(v), None, True) for v in grid]
    hidden = {i for i, v in enumerate(grid) if found.get(tuple(v), 0) < threshold}
    partition = Dimension.SERVICE not in dimensions  # a patient is in one cell of each other dimension
    if partition and len(hidden) == 1 and len(grid) > 1:
        shown = sorted((found.get(tuple(v), 0), i) for i, v in enumerate(grid) if i not in hidden)
        hidden.add(shown[0][1])  # complementary suppression: the lone hidden cell is not a difference
    cells = [Cell(tuple(v), None if i in hidden else found.get(tuple(v), 0), i in hidden) for i, v in enumerate(grid)]
    return counts.total, cells


async def ask_cohort(ctx: RequestContext, query: CohortQuery, dimensions: Sequence[Dimension]) -> CohortAnswer:
    """The cohort's counts for the analyst's project; audited with the counts it returns."""
    keys = project_keys(ctx)  # FORBIDDEN for anyone but an analyst
    query = check_query(query, dimensions)
    mart = ctx.services.mart
    if mart is None:
        raise MartUnavailable()
    ctx.audit.check_open()
    try:
        freshness = await mart.freshness()
        if freshness is None:
            raise MartNotReady()
        counts = await mart.count(query, dimensions)
    except StoreError as exc:
        raise MartUnavailable() from exc
    threshold = ctx.services.cohort_threshold
    total, cells = suppress(counts, dimensions, threshold)
    ctx.audit.cohort(keys.project, query, dimensions, total, cells)
    return CohortAnswer(query, threshold, total, tuple(dimensions), tuple(cells), dict(counts.places), freshness)


async def cohort_members(ctx: RequestContext, answer: CohortAnswer, first: int, after: str | None) -> MemberPage | None:
    """A page of the cohort's members by pseudonym (None when the cohort is below the threshold)."""
    if answer.total is None:
        return None
    if not 0 <= first <= MAX_PAGE:
        raise BadUserInput(f"`first` must be between 0 and {MAX_PAGE}.", argument="first")
    if after is not None and _ANON.match(after) is None:
        raise BadUserInput("The `after` cursor is not valid.", argument="after")
    keys = project_keys(ctx)
    mart = ctx.services.mart
    assert mart is not None
    try:
        members = await mart.members(answer.query)
    except StoreError as exc:
        raise MartUnavailable() from exc
    named = sorted((pseudonym(keys, m.person_key), m) for m in members)
    rest = [(p, m) for p, m in named if after is None or p > after]
    page = rest[:first]
    ctx.audit.handed_out(keys.project, len(page))
    return MemberPage(
        members=[(seal_person(keys, m.person_key), p) for p, m in page],
        has_next=len(rest) > first,
        end_cursor=page[-1][0] if page else after,
    )
