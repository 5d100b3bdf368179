"""Whether a resource satisfies one search criterion, per search-parameter type."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import dates
from .params import SearchParam
from .paths import reference_key, values_at

__all__ = ["Criterion", "codes_of", "fold", "satisfies", "strings_of"]


@dataclass(frozen=True)
class Criterion:
    """One search parameter occurrence: its values are ORed; criteria are ANDed."""

    param: SearchParam
    modifier: str | None
    values: tuple[str, ...]


def satisfies(resource: dict[str, Any], criterion: Criterion) -> bool:
    """Whether any of the criterion's values matches any value of the resource."""
    param = criterion.param
    found = [v for path in param.paths for v in values_at(resource, path)]
    if criterion.modifier == "missing":
        missing = criterion.values[0] == "true"
        return (not found) == missing
    if param.kind == "token":
        hit = any(_token_matches(found, value) for value in criterion.values)
        return not hit if criterion.modifier == "not" else hit
    if param.kind == "date":
        targets = [r for v in found for r in dates.ranges_of(v)]
        return any(_date_matches(targets, value) for value in criterion.values)
    if param.kind == "reference":
        return any(_reference_matches(found, value, param) for value in criterion.values)
    return any(_string_matches(found, value, criterion.modifier) for value in criterion.values)


def codes_of(value: Any) -> Iterable[tuple[str | None, str]]:
    """The (system, code) pairs a token-typed element offers; system None for plain codes."""
    if isinstance(value, bool):
        yield None, "true" if value else "false"
    elif isinstance(value, str):
        yield None, value
    elif isinstance(value, dict):
        if "coding" in value:
            for coding in value["coding"]:
                yield from codes_of(coding)
        elif "code" in value:
            yield value.get("system") or "", str(value["code"])
        elif "value" in value:
            yield value.get("system") or "", str(value["value"])


def _token_matches(found: list[Any], wanted: str) -> bool:
    if "|" in wanted:
        system, code = wanted.split("|", 1)
        for have_system, have_code in (c for v in found for c in codes_of(v)):
            if have_system is not None and have_system != system:
                continue  # a plain code (system None) has its system implied by the element
            if code == "" or have_code == code:
                return True
        return False
    return any(code == wanted for v in found for _, code in codes_of(v))


def _date_matches(targets: list[dates.DateRange], wanted: str) -> bool:
    prefix, text = (wanted[:2], wanted[2:]) if wanted[:2] in dates.PREFIXES else ("eq", wanted)
    search = dates.parse_date(text)  # validated when the query was parsed
    return any(dates.matches(prefix, search, t) for t in targets)


def _reference_matches(found: list[Any], wanted: str, param: SearchParam) -> bool:
    want = reference_key(wanted)
    for value in found:
        have = reference_key(value)
        if have is None:
            continue
        if want is not None:
            if have == want:
                return True
        elif have[1] == wanted and (not param.targets or have[0] in param.targets):
            return True
    return False


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """`text` without accents, case-folded (memoized: the same names are folded on every search)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def strings_of(value: Any) -> Iterable[str]:
    """The strings a string-typed element offers: itself, or every string part of a HumanName or Address."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):  # HumanName, Address: every string part
        for part in value.values():
            if isinstance(part, str):
                yield part
            elif isinstance(part, list):
                yield from (p for p in part if isinstance(p, str))


def _string_matches(found: list[Any], wanted: str, modifier: str | None) -> bool:
    for text in (s for v in found for s in strings_of(v)):
        if modifier == "exact":
            if text == wanted:
                return True
        elif modifier == "contains":
            if fold(wanted) in fold(text):
                return True
        elif fold(text).startswith(fold(wanted)):
            return True
    return False
