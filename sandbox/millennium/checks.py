"""Checking a search query against a type's documented rules, as Millennium does (400 on any breach)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sandbox.fhir import dates

from .errors import Invalid
from .rules import Param, SearchRules, TypeRules
from .systems import is_proprietary

__all__ = ["NO_PARAMS", "CheckedQuery", "Occurrence", "check_query", "check_service_types"]

_COMMA = re.compile(r"(?<!\\),")
_RESULT = ("_count", "_include", "_revinclude")
NO_PARAMS = "no supported search parameters provided"


@dataclass(frozen=True)
class Occurrence:
    """One parameter as given: its rule, modifier and (comma-split) values."""

    param: Param
    modifier: str | None
    values: tuple[str, ...]


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed every check: what to match, page size (None: all), what to add."""

    rules: TypeRules
    items: tuple[tuple[str, str], ...]
    occurrences: tuple[Occurrence, ...]
    count: int | None
    includes: tuple[str, ...] = ()
    revincludes: tuple[str, ...] = ()

    def names(self) -> frozenset[str]:
        return frozenset(o.param.name for o in self.occurrences)


def check_query(rules: TypeRules, items: Sequence[tuple[str, str]]) -> CheckedQuery:
    """Check `items` (the query's name/value pairs) or raise `Invalid`."""
    search = rules.search
    if search is None:
        raise Invalid(f"{rules.resource_type} cannot be searched")
    names = Counter(name.partition(":")[0] for name, _ in items)
    occurrences: list[Occurrence] = []
    extras: dict[str, list[str]] = {name: [] for name in _RESULT}
    for name, value in items:
        if name in extras:
            extras[name].append(value)
            continue
        occurrences.append(_occurrence(rules, search, name, value, names))
    for param in {o.param.name: o.param for o in occurrences}.values():
        if param.dates is not None:
            _check_dates(param, [o for o in occurrences if o.param.name == param.name])
    present = frozenset(o.param.name for o in occurrences)
    _check_combination(search, present | {k for k, v in extras.items() if v})
    return CheckedQuery(
        rules=rules,
        items=tuple(items),
        occurrences=tuple(occurrences),
        count=_count(rules, search, extras["_count"], present),
        includes=_includes("_include", search.includes, extras["_include"], rules.resource_type),
        revincludes=_includes("_revinclude", search.revincludes, extras["_revinclude"], rules.resource_type),
    )


def _occurrence(rules: TypeRules, search: SearchRules, name: str, value: str, names: Counter[str]) -> Occurrence:
    base, _, modifier = name.partition(":")
    param = search.param(base)
    if param is None:
        raise Invalid(f"the parameter {base!r} is not supported for {rules.resource_type}")
    if modifier and modifier not in param.modifiers:
        raise Invalid(f"the modifier :{modifier} is not supported on {base!r}")
    most = param.dates.max_times if param.dates else 1
    if names[base] > most:
        raise Invalid(f"{base!r} may be given only {'once' if most == 1 else 'twice'}")
    values = tuple(v.replace("\\,", ",") for v in _COMMA.split(value)) if value else ()
    if not values or any(not v for v in values):
        raise Invalid(f"{base!r} needs a value")
    if len(values) > 1 and not param.lists:
        raise Invalid(f"{base!r} takes a single value, not a comma separated list")
    for v in values:
        _check_value(param, v)
    if param.name == "service-type":
        check_service_types(values)
    return Occurrence(param, modifier or None, values)


def _check_value(param: Param, value: str) -> None:
    if param.kind == "token":
        if param.system and ("|" not in value or not value.split("|", 1)[0]):
            raise Invalid(f"{param.name!r} needs a system and a code (system|code)")
        if param.codes is not None and value.rpartition("|")[2] not in param.codes:
            raise Invalid(f"{param.name!r} must be one of " + ", ".join(sorted(param.codes)))
    elif param.kind == "string" and len(value) < param.min_length:
        raise Invalid(f"{param.name!r} needs at least {param.min_length} characters")
    elif param.kind == "date":
        _prefix_and_date(param, value)


def _prefix_and_date(param: Param, value: str) -> tuple[str, dates.DateRange, bool]:
    prefix, text = (value[:2], value[2:]) if value[:2].isalpha() else ("", value)
    if prefix and prefix not in dates.PREFIXES:
        raise Invalid(f"{param.name!r} has an unknown prefix {prefix!r}")
    try:
        parsed = dates.parse_date(text)
    except ValueError as exc:
        raise Invalid(f"{param.name!r} is not a FHIR date or dateTime") from exc
    return prefix, parsed, "T" in text


def _check_dates(param: Param, found: list[Occurrence]) -> None:
    rule = param.dates
    assert rule is not None
    given = [_prefix_and_date(param, o.values[0]) for o in found]
    if len(given) == 1:
        prefix, _, has_time = given[0]
        if not rule.once:
            raise Invalid(f"{param.name!r} must be given twice, as a {_pair(rule.lower)}/{_pair(rule.upper)} range")
        if prefix not in rule.once:
            allowed = ", ".join(p or "no prefix" for p in sorted(rule.once))
            raise Invalid(f"{param.name!r} given once takes the prefix {allowed}")
        _check_time(param, rule.time_once, has_time)
        return
    (p1, d1, t1), (p2, d2, t2) = sorted(given, key=lambda g: g[0] not in rule.lower)
    if p1 not in rule.lower or p2 not in rule.upper:
        bounds = f"a lower bound ({_pair(rule.lower)}) and an upper bound ({_pair(rule.upper)})"
        raise Invalid(f"{param.name!r} given twice needs {bounds}")
    if d1.low >= d2.high:
        raise Invalid(f"{param.name!r}: the lower bound must come before the upper bound")
    _check_time(param, rule.time_pair, t1 and t2)


def _pair(prefixes: frozenset[str]) -> str:
    return "/".join(sorted(prefixes))


def _check_time(param: Param, rule: str, has_time: bool) -> None:
    if rule == "required" and not has_time:
        raise Invalid(f"{param.name!r} needs a time component")
    if rule == "forbidden" and has_time:
        raise Invalid(f"{param.name!r} must not have a time component")


def _check_combination(search: SearchRules, present: frozenset[str]) -> None:
    if search.alone in present and present - {search.alone} - search.alone_with:
        raise Invalid(f"{search.alone!r} must not be combined with other parameters")
    if search.required and not any(group <= present for group in search.required):
        partial = [g for g in search.required if len(g) > 1 and g & present]
        if partial:
            raise Invalid("these parameters must be given together: " + ", ".join(sorted(partial[0])))
        raise Invalid(NO_PARAMS)
    for name, others in search.needs.items():
        if name in present and not others & present:
            raise Invalid(f"{name!r} needs one of: " + ", ".join(sorted(others)))
    for group in search.exclusive:
        if len(group & present) > 1:
            raise Invalid("these parameters cannot be combined: " + ", ".join(sorted(group & present)))


def _count(rules: TypeRules, search: SearchRules, given: list[str], present: frozenset[str]) -> int | None:
    rule = search.count
    if given and rule is None:
        raise Invalid(f"the parameter '_count' is not supported for {rules.resource_type}")
    if len(given) > 1:
        raise Invalid("'_count' may be given only once")
    if rule is None or rule.ignored_with & present:
        return None
    if not given:
        return rule.default
    try:
        asked = int(given[0])
    except ValueError as exc:
        raise Invalid("'_count' must be a whole number") from exc
    if asked < 0:
        raise Invalid("'_count' must not be negative")
    return max(rule.minimum, min(asked, rule.maximum))


def _includes(name: str, allowed: frozenset[str], given: list[str], rtype: str) -> tuple[str, ...]:
    if given and not allowed:
        raise Invalid(f"the parameter {name!r} is not supported for {rtype}")
    if len(given) > 1:
        raise Invalid(f"{name!r} may be given only once")
    for value in given:
        if value not in allowed:
            raise Invalid(f"{name} takes only " + ", ".join(sorted(allowed)))
    return tuple(given)


def check_service_types(values: Sequence[str]) -> None:
    """Slot `service-type`: all standard codes or all proprietary codes, never a mix."""
    kinds = {is_proprietary(v.split("|", 1)[0]) for v in values}
    if len(kinds) > 1:
        raise Invalid("'service-type' values must be all standard codes or all proprietary codes")
