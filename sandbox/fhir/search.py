"""Running a parsed search against the store: filter, sort, page, include, and bundle."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from . import dates
from .bundle import entry, new_bundle, subset
from .filters import satisfies
from .index import candidates
from .paging import encode_page
from .params import SearchParam, params_for
from .paths import reference_key, values_at
from .query import Include, SearchQuery
from .store import ResourceStore

__all__ = ["find", "search_bundle"]


def find(store: ResourceStore, query: SearchQuery) -> list[dict[str, Any]]:
    """Every matching resource, in the query's order.

    Without `_sort` the order is insertion order. With `_sort`, ties are broken by id in the
    direction of the last sort key, so (date desc, id desc) is a total order keyset paging
    can rely on.
    """
    pool, rest = candidates(store, query.resource_type, query.criteria)
    found = [r for r in pool if all(satisfies(r, c) for c in rest)]
    if query.sort:
        found.sort(key=lambda r: str(r["id"]), reverse=query.sort[-1].descending)
        for key in reversed(query.sort):
            found = _sorted(found, key.param, key.descending)
    return found


def _sorted(resources: list[dict[str, Any]], param: SearchParam, descending: bool) -> list[dict[str, Any]]:
    """Stable sort by one parameter; resources without a value go last either way."""
    keyed: list[tuple[Any, dict[str, Any]]] = []
    missing: list[dict[str, Any]] = []
    for resource in resources:
        value = _sort_value(resource, param, descending)
        if value is None:
            missing.append(resource)
        else:
            keyed.append((value, resource))
    keyed.sort(key=lambda pair: pair[0], reverse=descending)
    return [r for _, r in keyed] + missing


def _sort_value(resource: dict[str, Any], param: SearchParam, descending: bool) -> Any:
    found = [v for path in param.paths for v in values_at(resource, path)]
    if param.kind == "date":
        ranges = [r for v in found for r in dates.ranges_of(v)]
        if not ranges:
            return None
        return max(r.high for r in ranges) if descending else min(r.low for r in ranges)
    texts = [_sort_text(v) for v in found]
    texts = [t for t in texts if t]
    if not texts:
        return None
    return max(texts) if descending else min(texts)


def _sort_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "reference" in value:
            return str(value["reference"])
        if value.get("coding"):
            return str(value["coding"][0].get("code", ""))
        for key in ("family", "value", "code", "text"):
            if key in value:
                return str(value[key])
    return str(value) if value is not None else ""


def search_bundle(store: ResourceStore, query: SearchQuery, base_url: str) -> dict[str, Any]:
    """The searchset Bundle answering one page of `query`."""
    found = find(store, query)
    bundle = new_bundle("searchset")
    if query.summary_count or query.count == 0:
        bundle["total"] = len(found)
        bundle["link"] = [_link("self", base_url, query, 0)]
        del bundle["entry"]
        return bundle
    page = found[query.offset : query.offset + query.count]
    if query.total:
        bundle["total"] = len(found)
    links = [_link("self", base_url, query, query.offset)]
    if query.offset + query.count < len(found):
        links.append(_link("next", base_url, query, query.offset + query.count))
    if query.offset > 0:
        links.append(_link("previous", base_url, query, max(0, query.offset - query.count)))
    bundle["link"] = links
    shown = [subset(r, query.elements) if query.elements else r for r in page]
    entries = [entry(base_url, r, "match") for r in shown]
    included = _included(store, query, page)
    entries.extend(entry(base_url, r, "include") for r in included)
    bundle["entry"] = entries
    return bundle


def _link(relation: str, base_url: str, query: SearchQuery, offset: int) -> dict[str, str]:
    url = f"{base_url}/{query.resource_type}"
    if offset > 0:
        url += "?" + urlencode({"_page": encode_page(query.items, offset)})
    elif query.items:
        url += "?" + urlencode(query.items)
    return {"relation": relation, "url": url}


def _included(store: ResourceStore, query: SearchQuery, page: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = {(r["resourceType"], r["id"]) for r in page}
    out: list[dict[str, Any]] = []

    def add(resource: dict[str, Any] | None) -> None:
        if resource is not None and (resource["resourceType"], resource["id"]) not in seen:
            seen.add((resource["resourceType"], resource["id"]))
            out.append(resource)

    for inc in query.includes:
        for resource in page:
            for key in _references(resource, inc):
                add(store.get(*key))
    page_keys = {(r["resourceType"], r["id"]) for r in page}
    for inc in query.revincludes:
        if params_for(inc.source_type) is None:
            continue
        for candidate in store.all(inc.source_type):
            if any(key in page_keys for key in _references(candidate, inc)):
                add(candidate)
    return out


def _references(resource: dict[str, Any], inc: Include) -> list[tuple[str, str]]:
    keys = [reference_key(v) for path in inc.param.paths for v in values_at(resource, path)]
    return [k for k in keys if k is not None and (inc.target is None or k[0] == inc.target)]
