"""A value as the mart stores it: the policy table's treatment, applied at ingest, at rest."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from .ages import over_89
from .policy import Rule, Treatment

__all__ = ["NEVER_STORED", "stored"]

# Treatments with no value at rest: what is removed, and what exists only per project and answer.
NEVER_STORED = frozenset({Treatment.REMOVE, Treatment.DISPLAY, Treatment.PATIENT_ID, Treatment.CURSOR,
                          Treatment.PSEUDONYM, Treatment.PUBLIC, Treatment.GATEWAY, Treatment.PROJECT})


def stored(rule: Rule, value: Any, *, reference_year: int) -> Any:
    """`value` as the mart keeps it: codes as they are, dates as their year, birth years only for
    those who cannot be over 89; ValueError for a field the mart must never hold."""
    if rule.treatment in NEVER_STORED:
        raise ValueError(f"the mart never stores a field treated as {rule.treatment.value}")
    if value is None:
        return None
    if rule.treatment is Treatment.DATE:
        return _year(value)
    if rule.treatment is Treatment.BIRTH_DATE:
        year = _year(value)
        return None if year is None or over_89(year, reference_year) else year
    return value.value if isinstance(value, Enum) else value


def _year(value: Any) -> int | None:
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.UTC) if value.tzinfo is not None else value).year
    if isinstance(value, dt.date):
        return value.year
    return None
