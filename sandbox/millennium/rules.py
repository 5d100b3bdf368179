"""The shape of Millennium's per-resource rules: parameters, their limits, required combinations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["CountRule", "DateRule", "Interaction", "Kind", "Param", "SearchRules", "Sort", "Time", "TypeRules"]

Kind = Literal["token", "date", "reference", "string"]
Time = Literal["required", "optional", "forbidden"]
Interaction = Literal["read", "search-type", "create", "update", "patch"]

_ANY_PREFIX = frozenset({"", "eq", "ge", "gt", "le", "lt"})


@dataclass(frozen=True)
class DateRule:
    """How a date parameter may be given: once (with one of `once` prefixes, "" for none) or
    twice as a closed range (one of `lower`, one of `upper`, lower before upper)."""

    once: frozenset[str] = _ANY_PREFIX
    lower: frozenset[str] = frozenset({"ge", "gt"})
    upper: frozenset[str] = frozenset({"le", "lt"})
    time_once: Time = "optional"
    time_pair: Time = "optional"

    @property
    def max_times(self) -> int:
        return 2 if self.lower and self.upper else 1


@dataclass(frozen=True)
class Param:
    """One search parameter as Millennium documents it.

    `paths` are the element paths it matches (generic FHIR matching); `lists` whether a comma
    list is allowed; `modifiers` the only modifiers accepted; `system` whether a token value
    must carry `system|code`; `codes` the only codes accepted (None: any).
    """

    name: str
    kind: Kind
    paths: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    lists: bool = False
    dates: DateRule | None = None
    modifiers: frozenset[str] = frozenset()
    system: bool = False
    codes: frozenset[str] | None = None
    min_length: int = 0
    doc: str = ""


@dataclass(frozen=True)
class CountRule:
    """`_count`: the page size when absent, and the range a given value is held to."""

    default: int
    maximum: int
    minimum: int = 1
    ignored_with: frozenset[str] = frozenset()  # with these params every match is on one page


@dataclass(frozen=True)
class Sort:
    """The documented order of search results: by a date element, newest or oldest first."""

    paths: tuple[str, ...]
    descending: bool
    then: tuple[str, ...] = ()  # token/reference element paths breaking ties, in order


@dataclass(frozen=True)
class SearchRules:
    """A resource type's search: its parameters and how they may (and must) be combined.

    `required`: the query must hold every parameter of at least one of these sets.
    `needs`: a parameter present needs at least one of the named others.
    `exclusive`: at most one parameter of each group. `alone`: if present, only it and
    `alone_with` may be given. `fixed`: criteria the server always adds (unless `_id` is given).
    """

    params: tuple[Param, ...]
    required: tuple[frozenset[str], ...] = ()
    needs: dict[str, frozenset[str]] = field(default_factory=dict)
    exclusive: tuple[frozenset[str], ...] = ()
    alone: str | None = None
    alone_with: frozenset[str] = frozenset()
    count: CountRule | None = None
    includes: frozenset[str] = frozenset()
    revincludes: frozenset[str] = frozenset()
    sort: Sort | None = None
    fixed: tuple[tuple[str, str], ...] = ()
    too_many: int | None = None  # more matches than this: 422 (Patient)
    most: int | None = None  # never more matches than this (Communication)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class TypeRules:
    """What Millennium offers on one resource type."""

    resource_type: str
    interactions: frozenset[Interaction]
    search: SearchRules | None = None
    profiles: tuple[str, ...] = ()
    page: str = ""  # the documentation page, below content/millennium/r4/
