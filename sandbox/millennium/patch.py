"""JSON Patch (RFC 6902) bodies, held to the operations a Millennium resource page lists."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sandbox.fhir.messages import FhirRequest

from .errors import Invalid, MillenniumError, Unprocessable

__all__ = ["Operation", "UnsupportedMedia", "parse_patch"]

_OPS = frozenset({"add", "remove", "replace", "move", "copy", "test"})
PATCH_TYPE = "application/json-patch+json"


class UnsupportedMedia(MillenniumError):
    """415: a PATCH body that is not `application/json-patch+json`."""

    status = 415
    issue_code = "not-supported"


@dataclass(frozen=True)
class Operation:
    """One patch operation: `op` on `path`, with its `value`."""

    op: str
    path: str
    value: Any = None


def parse_patch(request: FhirRequest, allowed: Collection[tuple[str, str]]) -> list[Operation]:
    """The request's patch operations; each (op, path) must be one `allowed` (else 422)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != PATCH_TYPE:
        raise UnsupportedMedia(f"a PATCH body must be {PATCH_TYPE}")
    try:
        body = json.loads(request.body or b"null")
    except ValueError as exc:
        raise Invalid("the body is not valid JSON") from exc
    if not isinstance(body, list) or not body:
        raise Invalid("a JSON Patch body is a non-empty array of operations")
    out = []
    for item in body:
        if not isinstance(item, dict) or item.get("op") not in _OPS or not isinstance(item.get("path"), str):
            raise Invalid("each operation needs an op (add, remove, replace, move, copy, test) and a path")
        op = Operation(item["op"], item["path"], item.get("value"))
        if (op.op, op.path) not in allowed:
            raise Unprocessable(f"the patch operation {op.op} {op.path} is not supported on this resource")
        out.append(op)
    return out
