"""Records to plain JSON and back, so a stored action result rebuilds the same payload."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

__all__ = ["dump", "load"]

T = TypeVar("T")


def dump(value: Any) -> Any:
    """A frozen record (dataclasses, enums, datetimes with their offset, tuples) as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [dump(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): dump(v) for k, v in value.items()}
    return value


def load(cls: type[T], raw: Any) -> T:
    """The record of type `cls` that `dump` turned into `raw`."""
    loaded: T = _load(cls, raw)
    return loaded


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _load(tp: Any, raw: Any) -> Any:
    if raw is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _load(options[0], raw) if len(options) == 1 else raw
    if origin is tuple:
        (item, *_) = typing.get_args(tp)
        return tuple(_load(item, v) for v in raw)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{f.name: _load(hints[f.name], raw.get(f.name)) for f in dataclasses.fields(tp) if f.init})
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(raw)
    if tp is dt.datetime:
        return dt.datetime.fromisoformat(raw)
    if tp is dt.date:
        return dt.date.fromisoformat(raw)
    if tp is float and isinstance(raw, int):
        return float(raw)
    return raw
