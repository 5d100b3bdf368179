"""GENESIS reads as Millennium takes them: plain GETs in parallel (never a batch), one patient per
search where the page allows one, date windows as prefix pairs, paging by the server's own order.

Round trips: every search of a request runs at once, bounded by the client's concurrency
(`MAX_CONCURRENCY`); practitioners named by the hits come in one `Practitioner?_id=` search per
20 (and are remembered: directory data, not health data).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..base import Page, PageRequest, Query
from ..errors import SourceError
from ..fhir.adapter import FhirRecordSource
from ..fhir.bundle import Bundle, Resource
from ..fhir.client import FhirClient, Params
from ..fhir.paging import after, cut, sort_key
from ..fhir.values import fhir_instant, ref_id
from ..records import Record, RecordKind
from .plans import Plan

__all__ = ["Directory", "fetch_pages", "get_records", "with_included"]

_MAX_PAGES = 20
_IDS_PER_SEARCH = 20  # Practitioner `_count` default: `_id` lists are cut to that size
_EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
_TICK = dt.timedelta(seconds=1)  # `lt` of a second past a time includes that time (second precision)
_CACHE = 2000
_PATIENTS_PER_SEARCH = 50  # a `patient=a,b,...` list is cut to keep the URL short


class Directory:
    """Practitioners and Locations by id, read once per source (their names show on appointments,
    notes and care teams; directory data, not health data)."""

    def __init__(self, client: FhirClient) -> None:
        self._client = client
        self._known: dict[tuple[str, str], Resource] = {}

    async def lookup(self, kind: str, wanted: Mapping[str, set[str]]) -> dict[tuple[str, str], Resource]:
        """(type, id) -> resource for the ids of each type (unknown ones left out)."""
        searches = []
        for rtype, ids in sorted(wanted.items()):
            missing = sorted(i for i in ids if (rtype, i) not in self._known)
            searches += [(rtype, missing[i : i + _IDS_PER_SEARCH]) for i in range(0, len(missing), _IDS_PER_SEARCH)]
        found = await asyncio.gather(
            *(self._client.search_all(kind, rtype, [("_id", ",".join(c))]) for rtype, c in searches),
            return_exceptions=True,
        )
        for (rtype, _), bundle in zip(searches, found, strict=True):
            if isinstance(bundle, Bundle):  # a failed lookup leaves the reference's display
                if len(self._known) > _CACHE:
                    self._known.clear()
                self._known.update({(rtype, str(r.get("id"))): r for r in bundle.matches(rtype)})
            elif not isinstance(bundle, SourceError):
                raise bundle
        return {(t, i): self._known[(t, i)] for t, ids in wanted.items() for i in ids if (t, i) in self._known}


def _references(value: Any, resource_type: str) -> Iterator[str]:
    if isinstance(value, Mapping):
        rid = ref_id(value, resource_type) if "reference" in value else None
        if rid:
            yield rid
        for v in value.values():
            yield from _references(v, resource_type)
    elif isinstance(value, list):
        for v in value:
            yield from _references(v, resource_type)


def with_included(bundle: Bundle, resources: Sequence[Resource]) -> Bundle:
    """`bundle` with `resources` added as `include` entries (as an `_include` would have)."""
    entries = [*(bundle.raw.get("entry") or ()), *({"resource": r, "search": {"mode": "include"}} for r in resources)]
    return Bundle({**bundle.raw, "entry": entries})


async def _named(directory: Directory, kind: RecordKind, plan: Plan, bundles: Sequence[Bundle]) -> list[Bundle]:
    """Each bundle with the resources its hits name (`plan.lookups`), as if `_include`d."""
    types = plan.lookups
    named = [{t: set(_references(b.matches(), t)) for t in types} for b in bundles]
    wanted = {t: set().union(*(n[t] for n in named)) for t in types}
    if not any(wanted.values()):
        return list(bundles)
    known = await directory.lookup(kind.value, {t: ids for t, ids in wanted.items() if ids})
    return [
        with_included(b, [known[(t, i)] for t in types for i in sorted(n[t]) if (t, i) in known])
        for b, n in zip(bundles, named, strict=True)
    ]


# ---- one query's searches ----------------------------------------------------------------------


def _within(at: dt.datetime | None) -> dt.datetime | None:
    """`at`, held to the years a search may name (no overflow at the end of time)."""
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return min(max(at, _EARLIEST), _LATEST)


def _window(plan: Plan, page: PageRequest) -> Params:
    """The date bounds: the filters' window, narrowed by the cursor; the pair always if required."""
    if plan.date_param is None:
        return []
    f = page.filters
    lower, upper = _within(f.date_from), _within(f.date_to)
    if plan.upper == "lt" and upper is not None:
        upper = upper + _TICK  # the schema's `to` is inclusive
    if page.after is not None and (plan.newest_first or plan.ascending or not page.want_total):
        # (a list read whole for its total is not narrowed: the count is of every match)
        if plan.ascending:
            lower = max(lower, page.after.time) if lower else page.after.time
        else:
            at = min(max(page.after.time, _EARLIEST), _LATEST)
            at = at + _TICK if plan.upper == "lt" else at
            upper = min(upper, at) if upper else at
    if plan.window:
        lower, upper = lower or _EARLIEST, upper or _LATEST
    out: list[tuple[str, str]] = []
    if lower is not None:
        out.append((plan.date_param, "ge" + fhir_instant(lower)))
    if upper is not None:
        out.append((plan.date_param, plan.upper + fhir_instant(upper)))
    return out


def _searches(plan: Plan, query: Query) -> list[Params]:
    """The searches one query needs: one per patient id, or one with the list where allowed."""
    page = query.page
    common = [*plan.params(page.filters), *_window(plan, page)]
    if plan.newest_first:
        # first + 1 tells whether more follow; past page 1 `le` also returns the record at the
        # position itself, so one more keeps a late page to one round trip, like page 1.
        common.append(("_count", str(min(200, page.first + 1 + (page.after is not None)))))
    elif plan.count is not None:
        common.append(("_count", str(plan.count)))
    if plan.patient_param is None:
        return [common]
    ids = sorted({ref.patient_id for ref in query.link.refs})
    if plan.patient_lists:
        return [[(plan.patient_param, ",".join(ids)), *common]]
    return [[(plan.patient_param, i), *common] for i in ids]


async def _newest_first(
    source: FhirRecordSource, kind: RecordKind, plan: Plan, query: Query, bundle: Bundle
) -> Bundle:
    """Read on until more than a page lies past the cursor and every record as old as the page's
    last one is in (the server orders ties its own way), or the list ends."""
    page = query.page
    for _ in range(_MAX_PAGES):
        if bundle.next_url is None:
            break
        ctx = source.context(bundle, dt.datetime.now(dt.UTC), query.link.refs)
        mapped = plan.records(bundle, ctx, page)
        kept = sorted((sort_key(r) for r in mapped if after(r, page.after)), reverse=True)
        oldest = min((sort_key(r)[0] for r in mapped), default=None)
        if len(kept) > page.first and oldest is not None and oldest < kept[page.first - 1][0]:
            break
        bundle = bundle.merged(await source.client.follow(kind.value, bundle.next_url))
    return bundle


async def _read(source: FhirRecordSource, kind: RecordKind, plan: Plan, query: Query) -> tuple[Bundle, bool]:
    """Every search of one query, merged; and whether the whole list was read."""

    async def one(params: Params) -> Bundle:
        bundle = await source.client.search(kind.value, plan.resource_type, params)
        if plan.newest_first:
            return await _newest_first(source, kind, plan, query, bundle)
        return await source.client.rest_of(kind.value, bundle, _MAX_PAGES)

    bundles = await asyncio.gather(*(one(p) for p in _searches(plan, query)))
    merged = Bundle({"resourceType": "Bundle", "type": "searchset",
                     "entry": [e for b in bundles for e in b.raw.get("entry") or ()]})  # fmt: skip
    whole = not plan.newest_first and all(b.next_url is None for b in bundles)
    return merged, whole


def _page(source: FhirRecordSource, plan: Plan, query: Query, bundle: Bundle, whole: bool, shared: bool) -> Page:
    """This query's page of the bundle (only its patients' records when the search was shared)."""
    ctx = source.context(bundle, dt.datetime.now(dt.UTC), query.link.refs)
    records: Sequence[Record] = plan.records(bundle, ctx, query.page)
    if shared:
        mine = {ref.patient_id for ref in query.link.refs}
        records = [r for r in records if getattr(r, "patient_id", None) in mine]
    want = query.page.want_total and whole  # a total only where every match was read
    page = cut(records, query.page, len(records) if want else None, ascending=plan.ascending)
    if want and query.page.want_business_ids:
        held = tuple(b for r in records if (b := getattr(r, "business_id", None)))
        page = dataclasses.replace(page, business_ids=held)
    return page


def _groups(plan: Plan, queries: Sequence[Query], live: Sequence[int]) -> list[list[int]]:
    """Queries that can share one search: on a type that takes `patient=a,b`, those asking the
    same page (first, cursor, filters) of different patients; otherwise one query each."""
    if not plan.patient_lists:
        return [[i] for i in live]
    by_page: dict[PageRequest, list[int]] = {}
    for i in live:
        by_page.setdefault(queries[i].page, []).append(i)
    return [g[n : n + _PATIENTS_PER_SEARCH] for g in by_page.values() for n in range(0, len(g), _PATIENTS_PER_SEARCH)]


def _shared(queries: Sequence[Query], group: Sequence[int]) -> Query:
    """One query for the group: the first one's page, every patient's refs."""
    refs = tuple(ref for i in group for ref in queries[i].link.refs)
    first = queries[group[0]]
    return dataclasses.replace(first, link=dataclasses.replace(first.link, refs=refs))


async def fetch_pages(
    source: FhirRecordSource, directory: Directory, kind: RecordKind, plan: Plan, queries: Sequence[Query]
) -> list[Page | SourceError]:
    """One page per query; every search of every query runs at once (queries of several
    patients share one search where the type takes a list of patients)."""
    results: list[Page | SourceError] = [Page((), False)] * len(queries)
    live = [
        i for i, q in enumerate(queries)
        if (q.link.refs or plan.patient_param is None) and plan.answerable(q.page.filters)
    ]  # fmt: skip
    groups = _groups(plan, queries, live)
    read = await asyncio.gather(
        *(_read(source, kind, plan, _shared(queries, g)) for g in groups), return_exceptions=True
    )
    done: list[tuple[list[int], Bundle, bool]] = []
    for group, outcome in zip(groups, read, strict=True):
        if isinstance(outcome, SourceError):
            for i in group:
                results[i] = outcome
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            done.append((group, *outcome))
    named = await _named(directory, kind, plan, [b for _, b, _ in done])
    for (group, _, whole), bundle in zip(done, named, strict=True):
        for i in group:
            results[i] = _page(source, plan, queries[i], bundle, whole, shared=len(group) > 1)
    return results


async def get_records(
    source: FhirRecordSource, directory: Directory, kind: RecordKind, plan: Plan, ids: Sequence[str]
) -> Sequence[Record | SourceError | None]:
    """Records by id: `_id` alone (a list where the type takes one; CareTeam one by one)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    if plan.resource_type == "CareTeam":
        groups = [[i] for i in wanted]
    else:
        groups = [wanted[i : i + _IDS_PER_SEARCH] for i in range(0, len(wanted), _IDS_PER_SEARCH)]
    extra: Params = [("_include", "Slot:schedule")] if plan.resource_type == "Slot" else []
    try:
        found = await asyncio.gather(
            *(source.client.search_all(kind.value, plan.resource_type, [("_id", ",".join(g)), *extra]) for g in groups)
        )
    except SourceError as exc:
        return [exc] * len(ids)
    bundle = Bundle({"resourceType": "Bundle", "entry": [e for b in found for e in b.raw.get("entry") or ()]})
    bundle = (await _named(directory, kind, plan, [bundle]))[0]
    ctx = source.context(bundle, dt.datetime.now(dt.UTC))
    records = plan.records(bundle, ctx, PageRequest(first=len(wanted)))
    by_id = {r.provenance.source_id: r for r in records}
    return [by_id.get(i) for i in ids]
