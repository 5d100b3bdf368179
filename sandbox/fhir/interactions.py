"""Routing one FHIR interaction (read, search, create, update, $match, batch) to its handler."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .bundle import new_bundle
from .match import match_bundle
from .messages import FhirRequest, FhirResponse
from .outcome import BadRequest, FhirError, MethodNotAllowed, NotFound
from .params import params_for
from .query import parse_query
from .search import search_bundle
from .store import ResourceStore
from .writes import create, resource_headers, update

__all__ = ["Authorize", "Interactions"]

Authorize = Callable[[str, bool], None]
"""Raises `Forbidden` unless the caller may read (False) or write (True) the resource type."""


class Interactions:
    """The FHIR REST API of one server over its store, free of any HTTP library."""

    def __init__(self, store: ResourceStore, *, writable: bool, match_enabled: bool) -> None:
        self.store = store
        self.writable = writable
        self.match_enabled = match_enabled
        self.base_url = ""

    async def handle(self, request: FhirRequest, authorize: Authorize) -> FhirResponse:
        """Answer one request; raises `FhirError` for an error answer."""
        seg = request.segments
        method = request.method.upper()
        if not seg:
            if method != "POST":
                raise MethodNotAllowed("only batch Bundles are accepted at the base")
            return await self.batch(request, authorize)
        rtype = seg[0]
        if params_for(rtype) is None:
            raise NotFound(f"resource type {rtype} is not supported")
        if len(seg) == 1:
            if method == "GET":
                authorize(rtype, False)
                return self.search(rtype, request.query, request)
            if method == "POST":
                self._require_writable()
                authorize(rtype, True)
                return await create(self.store, request, rtype, self.base_url)
        elif len(seg) == 2 and seg[1] == "_search":
            if method == "POST":
                authorize(rtype, False)
                form = tuple(parse_qsl(request.body.decode("utf-8", "replace")))
                return self.search(rtype, request.query + form, request)
        elif len(seg) == 2 and seg[1] == "$match":
            if rtype != "Patient" or not self.match_enabled:
                raise NotFound("$match is not supported here")
            if method == "POST":
                authorize(rtype, False)
                return FhirResponse(200, match_bundle(self.store, _json(request), self.base_url))
        elif len(seg) == 2:
            if method == "GET":
                authorize(rtype, False)
                return self.read(rtype, seg[1], request)
            if method == "PUT":
                self._require_writable()
                authorize(rtype, True)
                return await update(self.store, request, rtype, seg[1], self.base_url)
        else:
            raise NotFound("no such FHIR endpoint")
        raise MethodNotAllowed(f"{method} is not supported on this endpoint")

    def _require_writable(self) -> None:
        if not self.writable:
            raise MethodNotAllowed("this server is read-only")

    def search(self, rtype: str, items: tuple[tuple[str, str], ...], request: FhirRequest) -> FhirResponse:
        lenient = "handling=lenient" in request.headers.get("prefer", "")
        query = parse_query(rtype, items, lenient=lenient)
        return FhirResponse(200, search_bundle(self.store, query, self.base_url))

    def read(self, rtype: str, rid: str, request: FhirRequest) -> FhirResponse:
        resource = self.store.get(rtype, rid)
        if resource is None:
            raise NotFound(f"{rtype}/{rid} is not known")
        headers = resource_headers(self.base_url, resource)
        del headers["Location"]
        accept = request.headers.get("accept", "")
        if rtype == "Binary" and accept and "json" not in accept and "*/*" not in accept:
            try:
                raw = base64.b64decode(resource.get("data", ""), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise FhirError("the Binary's data is not base64") from exc
            content_type = str(resource.get("contentType", "application/octet-stream"))
            return FhirResponse(200, None, headers, raw=raw, content_type=content_type)
        return FhirResponse(200, resource, headers)

    async def batch(self, request: FhirRequest, authorize: Authorize) -> FhirResponse:
        """A `batch` Bundle: every entry is answered on its own, errors included."""
        bundle = _json(request)
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise BadRequest("POST to the base takes a Bundle")
        if bundle.get("type") != "batch":
            raise BadRequest("only Bundle.type batch is supported")
        entries = []
        for item in bundle.get("entry") or []:
            entries.append(await self._batch_entry(item, authorize))
        return FhirResponse(200, new_bundle("batch-response", entries))

    async def _batch_entry(self, item: Any, authorize: Authorize) -> dict[str, Any]:
        try:
            sub = self._entry_request(item)
            response = await self.handle(sub, authorize)
        except FhirError as exc:
            outcome = exc.outcome()
            return {
                "resource": outcome,
                "response": {"status": _status(exc.status), "outcome": outcome},
            }
        answer: dict[str, Any] = {"status": _status(response.status)}
        for header, key in (
            ("ETag", "etag"),
            ("Location", "location"),
            ("Last-Modified", "lastModified"),
        ):
            if header in response.headers:
                answer[key] = response.headers[header]
        out: dict[str, Any] = {"response": answer}
        if response.resource is not None:
            out = {"resource": response.resource, **out}
        return out

    def _entry_request(self, item: Any) -> FhirRequest:
        req = item.get("request") if isinstance(item, dict) else None
        if not isinstance(req, dict) or not req.get("method") or not isinstance(req.get("url"), str):
            raise BadRequest("each batch entry needs request.method and request.url")
        url: str = req["url"]
        if url.startswith(self.base_url + "/"):
            url = url[len(self.base_url) + 1 :]
        parts = urlsplit(url)
        if not parts.path.strip("/"):
            raise BadRequest("a batch entry cannot be another batch")
        headers = {
            name: str(req[key])
            for key, name in (("ifMatch", "if-match"), ("ifNoneExist", "if-none-exist"))
            if req.get(key)
        }
        body = json.dumps(item["resource"]).encode() if "resource" in item else b""
        return FhirRequest(
            method=str(req["method"]),
            path=parts.path,
            query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
            headers=headers,
            body=body,
        )


def _json(request: FhirRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except ValueError as exc:
        raise BadRequest("the body is not valid JSON") from exc


def _status(code: int) -> str:
    return f"{code} {HTTPStatus(code).phrase}"
