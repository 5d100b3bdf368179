"""Age bands: the age attained in the reference year, with every age over 89 grouped as 90+."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LOWER_BOUNDS", "AgeBand", "age_band", "over_89"]


class AgeBand(StrEnum):
    UNDER_18 = "UNDER_18"
    AGE_18_29 = "AGE_18_29"
    AGE_30_39 = "AGE_30_39"
    AGE_40_49 = "AGE_40_49"
    AGE_50_59 = "AGE_50_59"
    AGE_60_69 = "AGE_60_69"
    AGE_70_79 = "AGE_70_79"
    AGE_80_89 = "AGE_80_89"
    AGE_90_PLUS = "AGE_90_PLUS"


LOWER_BOUNDS: tuple[tuple[int, AgeBand], ...] = (
    (90, AgeBand.AGE_90_PLUS),
    (80, AgeBand.AGE_80_89),
    (70, AgeBand.AGE_70_79),
    (60, AgeBand.AGE_60_69),
    (50, AgeBand.AGE_50_59),
    (40, AgeBand.AGE_40_49),
    (30, AgeBand.AGE_30_39),
    (18, AgeBand.AGE_18_29),
)


def age_band(birth_year: int, reference_year: int) -> AgeBand:
    """The band of the age attained in `reference_year` (never below a person's real age, so
    nobody of 90 or more is ever put in a younger band)."""
    age = reference_year - birth_year
    return next((band for lower, band in LOWER_BOUNDS if age >= lower), AgeBand.UNDER_18)


def over_89(birth_year: int, reference_year: int) -> bool:
    """Whether the birth year says the person may be over 89: then it is not shown (45 CFR
    164.514(b)(2)(i)(C))."""
    return reference_year - birth_year >= 90
