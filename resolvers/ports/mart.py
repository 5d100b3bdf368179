"""The de-identified mart as the resolvers see it: population counts and cohort members.

The gateway implements it (`gateway/mart/reader.py`, DuckDB over the mart's Parquet files). It
knows people only by person key and answers only what it holds: codes, years, age bands, sex,
facilities. Suppression, pseudonyms and paging are the resolvers' business (`resolvers/cohorts.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from sources.records import FacilityRecord

__all__ = [
    "CohortCounts",
    "CohortMart",
    "CohortMember",
    "CohortQuery",
    "Dimension",
    "LabCriterion",
    "MartFreshness",
    "Place",
]


class Dimension(StrEnum):
    """What a cohort's counts can be broken down by."""

    FACILITY = "FACILITY"  # the patient's home facility (most authoritative enrolment)
    SERVICE = "SERVICE"  # a service the patient was seen in, in the period (a patient may be in several)
    AGE_BAND = "AGE_BAND"  # age attained in the mart's reference year, 90+ grouped
    SEX = "SEX"  # administrative gender


@dataclass(frozen=True, slots=True)
class LabCriterion:
    """A lab result with this LOINC code and, when given, one of these interpretations."""

    code: str
    interpretations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Place:
    """A facility or practice as the mart knows it: the source whose id it is, and the record."""

    source: str
    facility: FacilityRecord

    @property
    def key(self) -> str:
        return f"{self.source}:{self.facility.id}"


@dataclass(frozen=True)
class CohortQuery:
    """Who is in the cohort: every kind of criterion given must hold (within a kind, any value,
    except labs: every lab criterion)."""

    conditions: tuple[str, ...] = ()  # ICD-10-CM codes or prefixes
    labs: tuple[LabCriterion, ...] = ()
    medications: tuple[str, ...] = ()  # RxNorm codes
    facilities: tuple[str, ...] = ()  # Place keys (`SOURCE:id`)
    services: tuple[str, ...] = ()  # CareService values: a visit of one of them
    age_bands: tuple[str, ...] = ()
    sexes: tuple[str, ...] = ()
    years: tuple[int, int] | None = None  # conditions, labs, medications and visits within these years


@dataclass(frozen=True)
class MartFreshness:
    """Which snapshot answers, when it was built, and how current each source's part of it is."""

    snapshot_id: str
    built_at: dt.datetime
    reference_year: int
    sources: Mapping[str, dt.datetime | None] = field(default_factory=dict)


@dataclass(frozen=True)
class CohortCounts:
    """The cohort's size and its counts by the asked dimensions (combinations with nobody left out);
    `domains` lists every value each dimension takes in the mart, so every cell can be shown."""

    total: int
    cells: Sequence[tuple[tuple[str | None, ...], int]]
    domains: Mapping[Dimension, tuple[str | None, ...]]
    places: Mapping[str, Place]


@dataclass(frozen=True, slots=True)
class CohortMember:
    person_key: str
    sex: str | None
    age_band: str | None
    facility: str | None  # a Place key


class CohortMart(Protocol):
    """Every method raises MartUnavailable (a StoreError) when the mart cannot be read."""

    async def freshness(self) -> MartFreshness | None:
        """The snapshot that answers; None while no snapshot has been built."""

    async def count(self, query: CohortQuery, dimensions: Sequence[Dimension]) -> CohortCounts:
        """The cohort's counts, broken down by `dimensions` (in that order)."""

    async def members(self, query: CohortQuery) -> list[CohortMember]:
        """Everyone in the cohort (the caller pages and pseudonymizes them)."""
