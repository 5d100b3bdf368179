"""What every Millennium write shares: the request body checks, references, the write context."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sandbox.fhir.messages import FhirRequest, FhirResponse
from sandbox.fhir.paths import reference_key
from sandbox.fhir.store import ResourceStore

from .errors import Invalid, Unknown, Unprocessable
from .ids import IdMint
from .versions import Locks, headers_of

__all__ = ["Resource", "WriteContext", "answer", "body_of", "existing", "ref_id"]

Resource = dict[str, Any]


@dataclass
class WriteContext:
    """The store a write changes, where it lives, who else is writing, how ids are minted."""

    store: ResourceStore
    base_url: str
    locks: Locks
    ids: IdMint


def body_of(request: FhirRequest, resource_type: str) -> Resource:
    """The JSON body as a `resource_type`: 400 when it is not one; 422 for modifier extensions
    or implicit rules (r4.md, Operation Outcomes, Create/Update)."""
    try:
        body = json.loads(request.body or b"null")
    except ValueError as exc:
        raise Invalid("the body is not valid JSON") from exc
    if not isinstance(body, dict) or body.get("resourceType") != resource_type:
        raise Invalid(f"the body must be a {resource_type} resource")
    if "implicitRules" in body:
        raise Unprocessable("implicitRules is not supported", code="not-supported")
    if _has_modifier_extension(body):
        raise Unprocessable("modifierExtension is not supported", code="extension")
    return body


def _has_modifier_extension(value: Any) -> bool:
    if isinstance(value, dict):
        return "modifierExtension" in value or any(_has_modifier_extension(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_modifier_extension(v) for v in value)
    return False


def ref_id(value: Any, resource_type: str) -> str | None:
    """The id a Reference points at when it is to `resource_type`."""
    key = reference_key(value)
    return key[1] if key is not None and key[0] == resource_type else None


def existing(store: ResourceStore, resource_type: str, rid: str) -> Resource:
    found = store.get(resource_type, rid)
    if found is None:
        raise Unknown(f"{resource_type}/{rid} is not known")
    return found


def answer(ctx: WriteContext, status: int, resource: Resource, *, location: bool = False) -> FhirResponse:
    """A write's answer as the docs show it: no body, `ETag` and `Last-Modified` (and `Location`)."""
    return FhirResponse(status, None, headers_of(ctx.base_url, resource, location=location))
