"""Create (plain and conditional) and update (with `If-Match`), atomic under the store lock."""

from __future__ import annotations

import json
import re
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

from .dates import parse_date
from .messages import FhirRequest, FhirResponse
from .outcome import BadRequest, PreconditionFailed, operation_outcome
from .query import parse_query
from .search import find
from .store import ResourceStore, version_of

__all__ = ["create", "parse_resource", "resource_headers", "update"]

_ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')


def parse_resource(request: FhirRequest, resource_type: str) -> dict[str, Any]:
    """The request body as a resource of `resource_type`, or `BadRequest`."""
    try:
        resource = json.loads(request.body or b"null")
    except ValueError as exc:
        raise BadRequest("the body is not valid JSON") from exc
    if not isinstance(resource, dict):
        raise BadRequest("the body must be a JSON object holding a resource")
    if resource.get("resourceType") != resource_type:
        raise BadRequest(f"the body's resourceType must be {resource_type}")
    return resource


def resource_headers(base_url: str, resource: dict[str, Any]) -> dict[str, str]:
    """ETag, Last-Modified and Location of a stored resource version."""
    version = version_of(resource)
    updated = parse_date(resource["meta"]["lastUpdated"]).low
    return {
        "ETag": f'W/"{version}"',
        "Last-Modified": format_datetime(updated, usegmt=True),
        "Location": f"{base_url}/{resource['resourceType']}/{resource['id']}/_history/{version}",
    }


def _answer(request: FhirRequest, base_url: str, status: int, resource: dict[str, Any]) -> FhirResponse:
    headers = resource_headers(base_url, resource)
    prefer = request.headers.get("prefer", "")
    if "return=minimal" in prefer:
        return FhirResponse(status, None, headers)
    if "return=OperationOutcome" in prefer:
        outcome = operation_outcome("informational", "ok", severity="information")
        return FhirResponse(status, outcome, headers)
    return FhirResponse(status, resource, headers)


async def create(store: ResourceStore, request: FhirRequest, resource_type: str, base_url: str) -> FhirResponse:
    """`POST [type]`, honouring `If-None-Exist` (200 with the one match, 412 if several)."""
    resource = parse_resource(request, resource_type)
    condition = request.headers.get("if-none-exist")
    async with store.lock:
        if condition:
            query = parse_query(resource_type, parse_qsl(condition.lstrip("?")))
            existing = find(store, query)
            if len(existing) > 1:
                raise PreconditionFailed("If-None-Exist matched more than one resource")
            if existing:
                return _answer(request, base_url, 200, existing[0])
        stored = store.create(resource)
    return _answer(request, base_url, 201, stored)


async def update(
    store: ResourceStore, request: FhirRequest, resource_type: str, resource_id: str, base_url: str
) -> FhirResponse:
    """`PUT [type]/[id]`; with `If-Match` the version must still be the one named (else 412)."""
    resource = parse_resource(request, resource_type)
    if resource.get("id") != resource_id:
        raise BadRequest("the body's id must equal the id in the URL")
    if_match = request.headers.get("if-match")
    expected: int | None = None
    if if_match:
        m = _ETAG.match(if_match.strip())
        if m is None:
            raise BadRequest('If-Match must look like W/"<version>"')
        expected = int(m[1])
    async with store.lock:
        current = store.get(resource_type, resource_id)
        if expected is not None and (current is None or version_of(current) != expected):
            raise PreconditionFailed("the resource has changed since the version in If-Match")
        stored, created = store.update(resource, resource_id)
    return _answer(request, base_url, 201 if created else 200, stored)
