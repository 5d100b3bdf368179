"""The in-memory resource store: current version of every resource, by type and id."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from .outcome import Unprocessable

__all__ = ["ResourceStore", "now_instant", "version_of"]

T = TypeVar("T")
_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def now_instant() -> str:
    """The current time as a FHIR instant (UTC, milliseconds)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ResourceStore:
    """Resources keyed by (type, id). Stored dicts are never mutated in place: a write
    replaces them, so a reader may hand them out without copying."""

    def __init__(self, resources: Iterable[dict[str, Any]] = ()) -> None:
        self._by_type: dict[str, dict[str, dict[str, Any]]] = {}
        self._derived: dict[str, dict[str, Any]] = {}  # per type: indexes built from its data
        self.lock = asyncio.Lock()  # writes that check-then-act hold it
        for resource in resources:
            self.put(resource)

    def get(self, resource_type: str, resource_id: str) -> dict[str, Any] | None:
        """The current version, or None."""
        return self._by_type.get(resource_type, {}).get(resource_id)

    def all(self, resource_type: str) -> list[dict[str, Any]]:
        """Every resource of a type, in insertion order."""
        return list(self._by_type.get(resource_type, {}).values())

    def derived(self, resource_type: str, name: str, build: Callable[[], T]) -> T:
        """A value computed from the resources of one type (an index), kept until one of them
        is written."""
        cache = self._derived.setdefault(resource_type, {})
        if name not in cache:
            cache[name] = build()
        value: T = cache[name]
        return value

    def types(self) -> list[str]:
        """The resource types held."""
        return [t for t, items in self._by_type.items() if items]

    def put(self, resource: dict[str, Any]) -> dict[str, Any]:
        """Store `resource` as given (seeding, test tweaks): an id and meta are added if missing;
        the version is not bumped."""
        rtype = _resource_type(resource)
        rid = str(resource.get("id") or uuid.uuid4())
        _check_id(rid)
        meta = dict(resource.get("meta") or {})
        meta.setdefault("versionId", "1")
        meta.setdefault("lastUpdated", now_instant())
        return self._save(rtype, rid, {**resource, "id": rid, "meta": meta})

    def create(self, resource: dict[str, Any]) -> dict[str, Any]:
        """Store a new resource under a fresh id, version 1."""
        rid = str(uuid.uuid4())
        return self._write(resource, rid, 1)

    def update(self, resource: dict[str, Any], resource_id: str) -> tuple[dict[str, Any], bool]:
        """Store the next version of `resource_id` (creating it if absent); (stored, created)."""
        _check_id(resource_id)
        current = self.get(_resource_type(resource), resource_id)
        version = 1 if current is None else version_of(current) + 1
        return self._write(resource, resource_id, version), current is None

    def _write(self, resource: dict[str, Any], rid: str, version: int) -> dict[str, Any]:
        meta = {k: v for k, v in (resource.get("meta") or {}).items() if k not in _SERVER_META}
        meta.update({"versionId": str(version), "lastUpdated": now_instant()})
        return self._save(_resource_type(resource), rid, {**resource, "id": rid, "meta": meta})

    def _save(self, rtype: str, rid: str, stored: dict[str, Any]) -> dict[str, Any]:
        self._by_type.setdefault(rtype, {})[rid] = stored
        self._derived.pop(rtype, None)
        return stored


_SERVER_META = ("versionId", "lastUpdated")


def version_of(resource: dict[str, Any]) -> int:
    """The resource's `meta.versionId` as a number (1 if absent or not numeric)."""
    text = str((resource.get("meta") or {}).get("versionId", "1"))
    return int(text) if text.isdigit() else 1


def _resource_type(resource: dict[str, Any]) -> str:
    rtype = resource.get("resourceType")
    if not isinstance(rtype, str) or not rtype:
        raise Unprocessable("the resource has no resourceType")
    return rtype


def _check_id(rid: str) -> None:
    if not _ID.match(rid):
        raise Unprocessable("resource ids are 1-64 letters, digits, '-' or '.'")
