"""Parsing a FHIR search query string into criteria and result controls."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import dates
from .filters import Criterion
from .outcome import BadRequest, NotFound
from .paging import decode_page
from .params import RESULT_PARAMS, SearchParam, params_for

__all__ = ["DEFAULT_COUNT", "MAX_COUNT", "Include", "SearchQuery", "SortKey", "parse_query"]

DEFAULT_COUNT = 50
MAX_COUNT = 200
_MODIFIERS = {
    "string": {"exact", "contains", "missing"},
    "token": {"not", "missing"},
    "date": {"missing"},
    "reference": {"missing"},
}
_SUMMARY = {"count", "false", "true", "text", "data"}
_COMMA = re.compile(r"(?<!\\),")


@dataclass(frozen=True)
class SortKey:
    """One `_sort` entry."""

    param: SearchParam
    descending: bool


@dataclass(frozen=True)
class Include:
    """One `_include` / `_revinclude`: resources of `source_type` and their reference `param`."""

    source_type: str
    param: SearchParam
    target: str | None


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: what to match, how to order, which page, what to add."""

    resource_type: str
    items: tuple[tuple[str, str], ...]  # the query as asked, without `_page`
    criteria: tuple[Criterion, ...] = ()
    sort: tuple[SortKey, ...] = ()
    count: int = DEFAULT_COUNT
    offset: int = 0
    total: bool = False
    summary_count: bool = False
    includes: tuple[Include, ...] = ()
    revincludes: tuple[Include, ...] = ()
    elements: tuple[str, ...] | None = None


def parse_query(resource_type: str, items: Sequence[tuple[str, str]], *, lenient: bool = False) -> SearchQuery:
    """Parse `items` (name, value pairs); unknown parameters are a 400 unless `lenient`."""
    params = params_for(resource_type)
    if params is None:
        raise NotFound(f"resource type {resource_type} is not supported")
    offset = 0
    page = [v for k, v in items if k == "_page"]
    if page:
        items, offset = decode_page(page[0])
        lenient = True  # the first page was checked; a next link must work without `Prefer`
    items = tuple((k, v) for k, v in items if k != "_page")
    q = _Builder(resource_type, params, lenient)
    for name, value in items:
        q.add(name, value)
    return SearchQuery(
        resource_type=resource_type,
        items=items,
        criteria=tuple(q.criteria),
        sort=tuple(q.sort),
        count=q.count,
        offset=offset,
        total=q.total,
        summary_count=q.summary_count,
        includes=tuple(q.includes),
        revincludes=tuple(q.revincludes),
        elements=q.elements,
    )


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.replace("\\,", ",") for v in _COMMA.split(value))


class _Builder:
    def __init__(self, rtype: str, params: dict[str, SearchParam], lenient: bool) -> None:
        self.rtype = rtype
        self.params = params
        self.lenient = lenient
        self.criteria: list[Criterion] = []
        self.sort: list[SortKey] = []
        self.count = DEFAULT_COUNT
        self.total = False
        self.summary_count = False
        self.includes: list[Include] = []
        self.revincludes: list[Include] = []
        self.elements: tuple[str, ...] | None = None

    def unknown(self, detail: str) -> None:
        if not self.lenient:
            raise BadRequest(detail)

    def add(self, name: str, value: str) -> None:
        if name in RESULT_PARAMS:
            self.result_param(name, value)
            return
        base, _, modifier = name.partition(":")
        param = self.params.get(base)
        if param is None:
            self.unknown(f"unknown search parameter {base!r} for {self.rtype}")
            return
        if modifier and modifier not in _MODIFIERS[param.kind]:
            if not (param.kind == "reference" and params_for(modifier) is not None):
                self.unknown(f"unsupported modifier {modifier!r} on {base!r}")
                return
            # `subject:Patient=123` means `subject=Patient/123`
            values = tuple(v if "/" in v else f"{modifier}/{v}" for v in _split(value))
            self.criteria.append(Criterion(param, None, values))
            return
        values = _split(value)
        if modifier == "missing":
            if value not in ("true", "false"):
                raise BadRequest(f":missing on {base!r} takes true or false")
            values = (value,)
        elif param.kind == "date":
            for v in values:
                text = v[2:] if v[:2] in dates.PREFIXES else v
                try:
                    dates.parse_date(text)
                except ValueError as exc:
                    raise BadRequest(f"{base!r} has a value that is not a date") from exc
        self.criteria.append(Criterion(param, modifier or None, values))

    def result_param(self, name: str, value: str) -> None:
        if name == "_count":
            try:
                count = int(value)
            except ValueError as exc:
                raise BadRequest("_count must be a whole number") from exc
            if count < 0:
                raise BadRequest("_count must not be negative")
            self.count = min(count, MAX_COUNT)
        elif name == "_total":
            if value not in ("none", "estimate", "accurate"):
                raise BadRequest("_total must be none, estimate or accurate")
            self.total = value == "accurate"
        elif name == "_summary":
            if value not in _SUMMARY:
                raise BadRequest("_summary must be one of " + ", ".join(sorted(_SUMMARY)))
            self.summary_count = value == "count"
        elif name == "_sort":
            for key in _split(value):
                desc = key.startswith("-")
                param = self.params.get(key.lstrip("-"))
                if param is None:
                    self.unknown(f"cannot sort {self.rtype} by {key!r}")
                    continue
                self.sort.append(SortKey(param, desc))
        elif name in ("_include", "_revinclude"):
            include = self.include(name, value)
            if include is not None:
                (self.includes if name == "_include" else self.revincludes).append(include)
        elif name == "_elements":
            self.elements = tuple(e.strip() for e in value.split(",") if e.strip())

    def include(self, name: str, value: str) -> Include | None:
        parts = value.split(":")
        if len(parts) not in (2, 3):
            raise BadRequest(f"{name} takes Type:param or Type:param:Target")
        source = parts[0]
        params = params_for(source)
        param = params.get(parts[1]) if params else None
        if name == "_include" and source != self.rtype:
            raise BadRequest(f"_include must start with {self.rtype}")
        if param is None or param.kind != "reference":
            self.unknown(f"{name} names no reference parameter: {value!r}")
            return None
        target = parts[2] if len(parts) == 3 else None
        return Include(source, param, target)
