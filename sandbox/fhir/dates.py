"""FHIR dates as half-open UTC ranges, and the date-search prefixes that compare them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

__all__ = ["PREFIXES", "DateRange", "matches", "parse_date", "ranges_of"]

PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb")
_MIN = datetime.min.replace(tzinfo=UTC)
_MAX = datetime.max.replace(tzinfo=UTC)
_PATTERN = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


@dataclass(frozen=True, order=True)
class DateRange:
    """The instants [low, high) a FHIR date, dateTime, instant or Period covers."""

    low: datetime
    high: datetime


def _plus(low: datetime, delta: timedelta) -> datetime:
    """`low + delta`, or the end of time when that is past year 9999."""
    try:
        return low + delta
    except OverflowError:
        return _MAX


@lru_cache(maxsize=1 << 16)
def parse_date(text: str) -> DateRange:
    """A FHIR date or dateTime at its own precision; a value without offset is taken as UTC
    (memoized: stored dates are parsed again on every search that tests them)."""
    m = _PATTERN.match(text.strip())
    if m is None:
        raise ValueError("not a FHIR date or dateTime")
    year = int(m["y"])
    if m["m"] is None:
        low = datetime(year, 1, 1, tzinfo=UTC)
        return DateRange(low, low.replace(year=year + 1) if year < 9999 else _MAX)
    month = int(m["m"])
    if m["d"] is None:
        low = datetime(year, month, 1, tzinfo=UTC)
        nxt = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC) if (year, month) < (9999, 12) else _MAX
        return DateRange(low, nxt)
    day = int(m["d"])
    if m["H"] is None:
        low = datetime(year, month, day, tzinfo=UTC)
        return DateRange(low, _plus(low, timedelta(days=1)))
    tz: tzinfo = UTC
    if m["tz"] and m["tz"] != "Z":
        tz = _offset(m["tz"])
    seconds = m["S"]
    local = datetime(year, month, day, int(m["H"]), int(m["M"]), int(seconds or 0), tzinfo=tz)
    try:
        low = local.astimezone(UTC)
    except OverflowError:
        raise ValueError("not an instant in UTC") from None
    return DateRange(low, _plus(low, timedelta(seconds=1) if seconds else timedelta(minutes=1)))


def _offset(text: str) -> tzinfo:
    """A `+hh:mm` or `-hh:mm` offset; ValueError past 59 minutes or 23:59 (as `%z` reads it)."""
    hours, minutes = int(text[1:3]), int(text[4:6])
    if minutes > 59:
        raise ValueError("not a UTC offset")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)  # ValueError from a day or more


def ranges_of(value: Any) -> list[DateRange]:
    """The ranges an element value covers: a date string or a Period; others are ignored."""
    try:
        if isinstance(value, str):
            return [parse_date(value)]
        if isinstance(value, dict) and ("start" in value or "end" in value):
            low = parse_date(value["start"]).low if value.get("start") else _MIN
            high = parse_date(value["end"]).high if value.get("end") else _MAX
            return [DateRange(low, high)]
    except ValueError:
        return []
    return []


def matches(prefix: str, search: DateRange, target: DateRange) -> bool:
    """FHIR date-search semantics of `prefix` for a target range against the search range."""
    within = search.low <= target.low and target.high <= search.high
    if prefix == "eq":
        return within
    if prefix == "ne":
        return not within
    if prefix == "gt":
        return target.high > search.high
    if prefix == "lt":
        return target.low < search.low
    if prefix == "ge":
        return target.high > search.high or within
    if prefix == "le":
        return target.low < search.low or within
    if prefix == "sa":
        return target.low >= search.high
    if prefix == "eb":
        return target.high <= search.low
    raise ValueError(f"unknown date prefix {prefix}")
