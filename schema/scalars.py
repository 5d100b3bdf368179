"""Scalar overrides: strawberry's DateTime, refusing instants that cannot be expressed in UTC; and
descriptions that say what analysts get (a year alone, `2024`: ISO 8601's reduced precision)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

__all__ = ["SCALAR_OVERRIDES", "InvalidValue"]


class InvalidValue(StrawberryInputCoercionError):
    """A literal or variable that no value of its scalar can hold: BAD_USER_INPUT."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "BAD_USER_INPUT"})


def _parse_datetime(value: object) -> dt.datetime:
    """strawberry's ISO 8601 parsing, then a check that the instant exists in UTC: every source
    compares in UTC, and a local time past year 9999 (or before year 1) there is no instant."""
    parsed = DateTimeDefinition.parse_value(value) if DateTimeDefinition.parse_value else None
    if not isinstance(parsed, dt.datetime):
        raise InvalidValue(f'Value cannot represent a DateTime: "{value}".')
    if parsed.tzinfo is not None:
        try:
            parsed.astimezone(dt.UTC)
        except OverflowError:
            raise InvalidValue(f'Value cannot represent a DateTime: "{value}". It is out of range in UTC.') from None
    return parsed


_FOR_ANALYSTS = (
    " Analysts get the year alone (`2024`), or for a project that shifts dates, the patient's shifted"
    " value (a time in UTC)."
)

DATETIME: ScalarDefinition = strawberry.scalar(
    name=DateTimeDefinition.name,
    description="Date with time (ISO 8601, with its UTC offset)." + _FOR_ANALYSTS,
    serialize=lambda value: value.isoformat(),
    parse_value=_parse_datetime,
)

DATE: ScalarDefinition = strawberry.scalar(
    name=DateDefinition.name,
    description="Calendar date (ISO 8601)." + _FOR_ANALYSTS,
    serialize=lambda value: value.isoformat(),
    parse_value=DateDefinition.parse_value,
)

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {dt.datetime: DATETIME, dt.date: DATE}
