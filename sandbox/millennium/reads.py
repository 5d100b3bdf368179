"""Reads by id, and the `Accept` rules: JSON only (406 otherwise), except Binary's own content."""

from __future__ import annotations

import base64
import binascii

from sandbox.fhir.interactions import Authorize
from sandbox.fhir.messages import FhirRequest, FhirResponse
from sandbox.fhir.outcome import Forbidden
from sandbox.fhir.store import ResourceStore

from .errors import MillenniumError, NotAcceptable, Unknown
from .present import outgoing
from .versions import headers_of

__all__ = ["check_accept", "read"]

_FHIR_JSON = "application/fhir+json"
_JSON = frozenset({_FHIR_JSON, "application/json", "application/json+fhir", "*/*", "application/*"})
_BINARY_OWNERS = ("Communication", "DocumentReference", "DiagnosticReport")


def _media(accept: str) -> list[str]:
    return [part.split(";")[0].strip().lower() for part in accept.split(",") if part.strip()]


def check_accept(request: FhirRequest, resource_type: str) -> None:
    """r4.md, Client Errors 5: "Requested a media type other than JSON" is 406 (Binary aside)."""
    accept = request.headers.get("accept", "")
    if resource_type != "Binary" and accept and not set(_media(accept)) & _JSON:
        raise NotAcceptable("only application/fhir+json is served")


def read(
    store: ResourceStore, rtype: str, rid: str, request: FhirRequest, base_url: str, authorize: Authorize
) -> FhirResponse:
    resource = store.get(rtype, rid)
    if resource is None:
        raise Unknown(f"{rtype}/{rid} is not known")
    headers = headers_of(base_url, resource)
    if rtype != "Binary":
        return FhirResponse(200, outgoing(resource, base_url), headers)
    _authorize_binary(authorize)
    content_type = str(resource.get("contentType", "application/octet-stream"))
    wanted = _media(request.headers.get("accept", "")) or [_FHIR_JSON]
    if _FHIR_JSON in wanted or (content_type.startswith("application/json") and "application/json" in wanted):
        return FhirResponse(200, resource, headers)
    native = content_type.split(";")[0].strip().lower()
    if native in wanted or "*/*" in wanted or (native == "text/plain" and "text/html" in wanted):
        try:
            raw = base64.b64decode(str(resource.get("data", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MillenniumError("the Binary's data is not base64") from exc
        return FhirResponse(200, None, headers, raw=raw, content_type=content_type)
    raise NotAcceptable(f"Accept {_FHIR_JSON} or {native} for this Binary")


def _authorize_binary(authorize: Authorize) -> None:
    """binary.md: `Binary.read` and one of `Communication.read`, `DiagnosticReport.read` or
    `DocumentReference.read`."""
    for owner in _BINARY_OWNERS:
        try:
            authorize(owner, False)
        except Forbidden:
            continue
        return
    raise Forbidden("reading a Binary also needs Communication.read, DiagnosticReport.read or DocumentReference.read")
