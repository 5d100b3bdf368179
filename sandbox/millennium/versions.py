"""Versioned writes as Millennium does them: `W/"n"` ETags from 0, `If-Match` checks, 423 locks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import format_datetime
from typing import Any

from sandbox.fhir.dates import parse_date
from sandbox.fhir.messages import FhirRequest
from sandbox.fhir.store import ResourceStore, now_instant, version_of

from .errors import Conflict, Invalid, Locked, PreconditionRequired

__all__ = ["Locks", "check_if_match", "headers_of", "save"]

Resource = dict[str, Any]
_ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')


def headers_of(base_url: str, resource: Resource, *, location: bool = False) -> dict[str, str]:
    """`ETag` (`W/"<version>"`) and `Last-Modified`; `Location` (no `_history`) for a create."""
    updated = parse_date(resource["meta"]["lastUpdated"]).low
    out = {"ETag": f'W/"{version_of(resource)}"', "Last-Modified": format_datetime(updated, usegmt=True)}
    if location:
        out["Location"] = f"{base_url}/{resource['resourceType']}/{resource['id']}"
    return out


def check_if_match(request: FhirRequest, current: Resource, *, required: bool = True) -> None:
    """No `If-Match`: 412 (when required); a version other than the current one: 409
    (appointment.md, Errors)."""
    header = request.headers.get("if-match", "").strip()
    if not header:
        if required:
            raise PreconditionRequired('an update needs If-Match: W/"<current version>"')
        return
    m = _ETAG.match(header)
    if m is None:
        raise Invalid('If-Match must look like W/"<version>"')
    if int(m[1]) != version_of(current):
        raise Conflict(f"the resource is at version {version_of(current)}, not {m[1]}")


def save(store: ResourceStore, resource: Resource, *, created: bool = False) -> Resource:
    """Store `resource` as its next version (version 0 when `created`)."""
    version = 0 if created else version_of(resource) + 1
    meta = {**(resource.get("meta") or {}), "versionId": str(version), "lastUpdated": now_instant()}
    return store.put({**resource, "meta": meta})


class Locks:
    """Resources a write is modifying: a second write to one of them gets 423 instead of waiting."""

    def __init__(self) -> None:
        self._held: set[tuple[str, str]] = set()

    @contextmanager
    def hold(self, *keys: tuple[str, str]) -> Iterator[None]:
        """Hold `(type, id)` keys for the duration; 423 if any is already held."""
        if any(k in self._held for k in keys):
            raise Locked("the resource is being modified by another request; try again")
        self._held.update(keys)
        try:
            yield
        finally:
            self._held.difference_update(keys)
