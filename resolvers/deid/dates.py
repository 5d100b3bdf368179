"""Dates for analysts: reduced to the year (Safe Harbor), or shifted by a keyed per-patient offset."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from .keys import ProjectKeys

__all__ = ["MAX_SHIFT_DAYS", "Year", "shift", "shift_days", "to_year"]

MAX_SHIFT_DAYS = 365


@dataclass(frozen=True, slots=True)
class Year:
    """A date or time reduced to its year: serialises as ISO 8601's reduced precision, `2024`."""

    year: int

    def isoformat(self) -> str:
        return f"{self.year:04d}"


def to_year(value: object) -> Year | None:
    """The year of a date or a datetime (in UTC); None for anything else."""
    if isinstance(value, dt.datetime):
        moment = value.astimezone(dt.UTC) if value.tzinfo is not None else value
        return Year(moment.year)
    if isinstance(value, dt.date):
        return Year(value.year)
    return None


def shift_days(keys: ProjectKeys, person_key: str) -> int:
    """The patient's offset for this project: 1 to 365 days, earlier or later, never 0."""
    digest = hmac.new(keys.shifts, person_key.encode(), hashlib.sha256).digest()
    magnitude = int.from_bytes(digest[:4], "big") % MAX_SHIFT_DAYS + 1
    return magnitude if digest[4] & 1 else -magnitude


def shift(value: object, days: int) -> object:
    """The date or datetime moved by `days` (a datetime in UTC, so no offset tells a place)."""
    if isinstance(value, dt.datetime):
        moved = value + dt.timedelta(days=days)
        return moved.astimezone(dt.UTC) if moved.tzinfo is not None else moved
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=days)
    return None
