"""A read-only view of a FHIR Bundle: matches, includes, next link and total."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Bundle", "Resource"]

Resource = dict[str, Any]


@dataclass(frozen=True)
class Bundle:
    """A searchset (or merged pages of one); `raw` is the JSON the server sent."""

    raw: Mapping[str, Any]

    def entries(self) -> Iterator[Mapping[str, Any]]:
        for entry in self.raw.get("entry") or ():
            if isinstance(entry, Mapping) and isinstance(entry.get("resource"), Mapping):
                yield entry

    def resources(self, resource_type: str | None = None) -> list[Resource]:
        """Every resource in the bundle (of `resource_type` if given), in server order."""
        return [
            dict(e["resource"])
            for e in self.entries()
            if resource_type is None or e["resource"].get("resourceType") == resource_type
        ]

    def matches(self, resource_type: str | None = None) -> list[Resource]:
        """The search hits (search.mode match, or no mode given), not the `_include`d ones."""
        return [
            dict(e["resource"])
            for e in self.entries()
            if (e.get("search") or {}).get("mode", "match") == "match"
            and (resource_type is None or e["resource"].get("resourceType") == resource_type)
        ]

    def included(self, resource_type: str) -> dict[str, Resource]:
        """Resources of `resource_type` in the bundle, by id (matches and includes alike)."""
        return {str(r.get("id")): r for r in self.resources(resource_type)}

    @property
    def next_url(self) -> str | None:
        for link in self.raw.get("link") or ():
            if isinstance(link, Mapping) and link.get("relation") == "next" and link.get("url"):
                return str(link["url"])
        return None

    @property
    def total(self) -> int | None:
        total = self.raw.get("total")
        return total if isinstance(total, int) else None

    def merged(self, other: Bundle) -> Bundle:
        """This bundle's entries followed by `other`'s, with `other`'s links (for paging)."""
        raw = dict(self.raw)
        raw["entry"] = [*(self.raw.get("entry") or ()), *(other.raw.get("entry") or ())]
        raw["link"] = list(other.raw.get("link") or ())
        return Bundle(raw)
