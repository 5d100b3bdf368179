"""Running a checked Millennium search: match, hold to the documented order, page, include."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sandbox.fhir import dates
from sandbox.fhir.filters import Criterion, satisfies
from sandbox.fhir.index import candidates
from sandbox.fhir.interactions import Authorize
from sandbox.fhir.params import SearchParam
from sandbox.fhir.paths import reference_key, values_at
from sandbox.fhir.store import ResourceStore

from .checks import CheckedQuery, check_query
from .errors import Unprocessable
from .matching import Predicate, plain, predicate
from .paging import page_link, page_of
from .present import outgoing
from .rules import Sort, TypeRules

__all__ = ["search_bundle"]

Resource = dict[str, Any]


def search_bundle(
    store: ResourceStore, rules: TypeRules, items: Sequence[tuple[str, str]], base_url: str, authorize: Authorize
) -> Resource:
    """The searchset Bundle answering one page of a Millennium search."""
    query_items, offset = page_of(items)
    query = check_query(rules, query_items)
    _authorize_extras(query, authorize)
    found = _matches(store, query)
    size = query.count if query.count is not None else max(len(found), 1)
    page = found[offset : offset + size]
    rtype = rules.resource_type
    links = [page_link("self", base_url, rtype, query.items, offset)]
    if offset + size < len(found):
        links.append(page_link("next", base_url, rtype, query.items, offset + size))
    if offset > 0:
        links.append(page_link("previous", base_url, rtype, query.items, max(0, offset - size)))
    entries = [_entry(base_url, r, "match") for r in page]
    entries += [_entry(base_url, r, "include") for r in _included(store, query, page)]
    return {"resourceType": "Bundle", "id": str(uuid.uuid4()), "type": "searchset", "link": links, "entry": entries}


def _entry(base_url: str, resource: Resource, mode: str) -> Resource:
    return {
        "fullUrl": f"{base_url}/{resource['resourceType']}/{resource['id']}",
        "resource": outgoing(resource, base_url),
        "search": {"mode": mode},
    }


def _authorize_extras(query: CheckedQuery, authorize: Authorize) -> None:
    """Includes need the scopes of what they add (slot.md, and every `Provenance:target`)."""
    for include in query.includes:
        authorize("Schedule", False)
        if include == "Schedule:actor:Practitioner":
            authorize("Practitioner", False)
    if query.revincludes:
        authorize("Provenance", False)


def _matches(store: ResourceStore, query: CheckedQuery) -> list[Resource]:
    rules = query.rules
    search = rules.search
    assert search is not None
    rtype = rules.resource_type
    criteria = [(o, plain(rtype, o)) for o in query.occurrences]
    generic = [c for _, c in criteria if c is not None]
    if "_id" not in query.names():
        generic += [_fixed(name, value) for name, value in search.fixed]
    pool, rest = candidates(store, rtype, generic)
    tests = [predicate(rtype, o, store) for o, c in criteria if c is None]  # Millennium's own parameters
    tests += [_test(c) for c in rest]
    found = [r for r in pool if all(t(r) for t in tests)]
    if search.too_many is not None and len(found) > search.too_many:
        raise Unprocessable(f"more than {search.too_many} {rtype} resources qualify; narrow the search")
    if search.most is not None:
        found = found[: search.most]
    sort = search.sort
    if sort is not None and "_lastUpdated" in query.names():
        sort = Sort(("meta.lastUpdated",), descending=True)
    return _sorted(found, sort) if sort is not None else found


def _test(crit: Criterion) -> Predicate:
    return lambda r: satisfies(r, crit)


def _fixed(name: str, value: str) -> Criterion:
    """A criterion the server always applies (free slots only, active care teams only)."""
    return Criterion(SearchParam(name, "token", (name,)), None, (value,))


def _sorted(found: list[Resource], sort: Sort) -> list[Resource]:
    """Stable: ties keep the store's order, then `then` paths; undated resources go last."""
    if sort.then:
        found = sorted(found, key=lambda r: [json.dumps(values_at(r, p), sort_keys=True) for p in sort.then])
    keyed = [(_date_of(r, sort.paths), r) for r in found]
    dated = [(d, r) for d, r in keyed if d is not None]
    undated = [r for d, r in keyed if d is None]
    dated.sort(key=lambda pair: pair[0], reverse=sort.descending)
    return [r for _, r in dated] + undated


def _date_of(resource: Resource, paths: tuple[str, ...]) -> Any:
    ranges = [rng for p in paths for v in values_at(resource, p) for rng in dates.ranges_of(v)]
    return min(r.low for r in ranges) if ranges else None


def _included(store: ResourceStore, query: CheckedQuery, page: list[Resource]) -> list[Resource]:
    out: dict[tuple[str, str], Resource] = {}
    for include in query.includes:
        schedules = [store.get(*k) for r in page if (k := reference_key(r.get("schedule"))) is not None]
        for schedule in (s for s in schedules if s is not None):
            if include == "Slot:schedule":
                out[("Schedule", schedule["id"])] = schedule
                continue
            for actor in schedule.get("actor") or ():
                key = reference_key(actor)
                if key is not None and key[0] == "Practitioner" and (found := store.get(*key)) is not None:
                    out[key] = found
    if query.revincludes:
        keys = {(r["resourceType"], r["id"]) for r in page}
        for prov in store.all("Provenance"):
            if any(reference_key(t) in keys for t in prov.get("target") or ()):
                out[("Provenance", prov["id"])] = prov
    return list(out.values())
