"""Shorthands for declaring Millennium search parameters, and the date rules its pages repeat."""

from __future__ import annotations

from .rules import DateRule, Param

__all__ = [
    "CLOSED_RANGE",
    "DOC_DATE",
    "GE_LT_PAIR",
    "ID",
    "LAST_UPDATED",
    "PROVENANCE",
    "date",
    "ref",
    "string",
    "token",
]

PROVENANCE = frozenset({"Provenance:target"})

# "may be provided up to two times ... eq, ge, gt, le, or lt ... lower ge/gt, higher le/lt"
CLOSED_RANGE = DateRule()
# DocumentReference/DiagnosticReport `date`: time optional once, required for a pair
DOC_DATE = DateRule(time_pair="required")
# "twice with the prefixes ge and lt", no single occurrence
GE_LT_PAIR = DateRule(once=frozenset(), lower=frozenset({"ge"}), upper=frozenset({"lt"}), time_pair="required")

LAST_UPDATED = Param("_lastUpdated", "date", ("meta.lastUpdated",), dates=CLOSED_RANGE)
ID = Param("_id", "token", ("id",), lists=True, doc="A single or comma separated list of ids.")


def token(
    name: str,
    *paths: str,
    lists: bool = False,
    system: bool = False,
    codes: frozenset[str] | None = None,
    modifiers: frozenset[str] = frozenset(),
) -> Param:
    return Param(name, "token", paths or (name,), lists=lists, system=system, codes=codes, modifiers=modifiers)


def string(name: str, *paths: str, exact: bool = False, min_length: int = 0) -> Param:
    modifiers = frozenset({"exact"}) if exact else frozenset()
    return Param(name, "string", paths or (name,), modifiers=modifiers, min_length=min_length)


def ref(
    name: str, paths: tuple[str, ...], *targets: str, lists: bool = False, modifiers: frozenset[str] = frozenset()
) -> Param:
    return Param(name, "reference", paths, targets, lists=lists, modifiers=modifiers)


def date(name: str, *paths: str, rule: DateRule = CLOSED_RANGE) -> Param:
    return Param(name, "date", paths, dates=rule)
