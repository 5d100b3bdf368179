"""Local times at a facility, relative to the demo's `today`, and their FHIR text forms."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

__all__ = ["at", "fhir_date", "fhir_instant", "past_moment", "weekday_on_or_after"]


def at(day: dt.date, hour: int, minute: int, tz: ZoneInfo) -> dt.datetime:
    """Wall-clock time `hour:minute` on `day` in `tz`."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def weekday_on_or_after(day: dt.date) -> dt.date:
    """`day`, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def past_moment(rng: random.Random, today: dt.date, tz: ZoneInfo, newest: int, oldest: int) -> dt.datetime:
    """A weekday clinic-hours moment between `oldest` and `newest` days before `today`."""
    day = today - dt.timedelta(days=rng.randint(newest, oldest))
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return at(day, rng.randint(7, 15), rng.choice((0, 15, 30, 45)), tz)


def fhir_instant(moment: dt.datetime) -> str:
    """A FHIR dateTime with seconds and the moment's own offset."""
    return moment.isoformat(timespec="seconds")


def fhir_date(day: dt.date | dt.datetime) -> str:
    """A FHIR date (no time)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.isoformat()
