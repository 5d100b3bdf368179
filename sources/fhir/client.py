"""The shared FHIR REST client: deadline, concurrency bound, retries, breaker, token, metrics."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp

from ..calls.deadline import remaining
from ..calls.observe import UpstreamObserver
from ..calls.tracing import SpanNote, outgoing_headers, span
from ..errors import SourceError, SourceTimeout, SourceUnavailable, UpstreamRejected
from ..records import RecordSource
from .auth import SmartAuth
from .breaker import BreakerState, CircuitBreaker, source_is_down
from .budget import RetryBudget
from .bundle import Bundle, Resource
from .config import FhirSourceConfig
from .retry import RETRYABLE_STATUSES, backoff, retry_after

__all__ = ["FhirClient", "Params", "search_url"]

Params = Sequence[tuple[str, str]]
FHIR_JSON = "application/fhir+json"
JSON_PATCH = "application/json-patch+json"
_LOCKED_TRIES = 8  # attempts of a write that meets 423 Locked, within the deadline
_MIN_USEFUL = 0.01  # seconds: less than this left before the deadline is not worth a request


def search_url(resource_type: str, params: Params) -> str:
    """A relative search URL (`Type?a=b&...`), as used in batch entries; `,|:` kept readable."""
    query = urlencode(list(params), safe=",|:")
    return f"{resource_type}?{query}" if query else resource_type


@dataclass(frozen=True)
class _Call:
    kind: str
    method: str
    url: str
    expect: tuple[str, ...]
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    safe: bool = False  # a POST that only reads (an operation such as `$match`)

    @property
    def idempotent(self) -> bool:
        if self.method == "GET" or self.safe:
            return True
        if self.method == "POST" and isinstance(self.body, Mapping):
            entries = self.body.get("entry") or ()
            return self.body.get("type") == "batch" and all(
                (e.get("request") or {}).get("method") == "GET" for e in entries
            )
        return False


class _Retry(Exception):
    """One attempt failed in a way worth retrying (for idempotent calls; `locked`: any call)."""

    def __init__(self, error: SourceError, wait: float | None = None, locked: bool = False) -> None:
        self.error = error
        self.wait = wait
        self.locked = locked  # 423: the server applied nothing, another write held the resource


class _Refused(Exception):
    """The server did not accept the bearer token (401)."""

    def __init__(self, token: str, error: SourceError) -> None:
        self.token = token
        self.error = error


class FhirClient:
    """Talks to one FHIR server for one source; every call is observed and bounded."""

    def __init__(
        self,
        source: RecordSource,
        config: FhirSourceConfig,
        session: aiohttp.ClientSession,
        observer: UpstreamObserver,
    ) -> None:
        self.source = source
        self.config = config
        self._session = session
        self._observer = observer
        self.auth = SmartAuth(source, config, session, observer)
        self._semaphore = asyncio.Semaphore(config.max_concurrency)
        self._breaker = CircuitBreaker(config.breaker_failures, config.breaker_reset)
        self._budget = RetryBudget(config.retry_budget, config.retry_reserve)

    @property
    def breaker_state(self) -> BreakerState:
        """closed, open or half_open: for `/readyz` and the `gateway_source_state` metric."""
        return self._breaker.state

    def url(self, relative: str) -> str:
        return f"{self.config.base_url}/{relative.lstrip('/')}"

    # ---- reads -------------------------------------------------------------------------------

    async def capabilities(self, kind: str = "check") -> Resource:
        """The server's CapabilityStatement (`GET metadata`)."""
        return await self._call(_Call(kind, "GET", self.url("metadata"), ("CapabilityStatement",)))

    async def search(self, kind: str, resource_type: str, params: Params) -> Bundle:
        """One page of a search (`GET Type?params`)."""
        return await self.follow(kind, self.url(search_url(resource_type, params)))

    async def follow(self, kind: str, url: str) -> Bundle:
        """A search page by absolute URL (a `next` link)."""
        return Bundle(await self._call(_Call(kind, "GET", url, ("Bundle",))))

    async def search_all(self, kind: str, resource_type: str, params: Params, max_pages: int = 20) -> Bundle:
        """A search with its `next` links followed, up to `max_pages` pages, merged into one."""
        bundle = await self.search(kind, resource_type, params)
        return await self.rest_of(kind, bundle, max_pages)

    async def rest_of(self, kind: str, bundle: Bundle, max_pages: int = 20) -> Bundle:
        """`bundle` with its remaining pages (up to `max_pages` in all) appended."""
        pages = 1
        while bundle.next_url and pages < max_pages:
            bundle = bundle.merged(await self.follow(kind, bundle.next_url))
            pages += 1
        return bundle

    async def read(self, kind: str, resource_type: str, resource_id: str) -> Resource:
        """`GET Type/id`; a missing resource raises UpstreamRejected with status 404."""
        return await self._call(_Call(kind, "GET", self.url(f"{resource_type}/{resource_id}"), (resource_type,)))

    async def batch(self, kind: str, requests: Sequence[tuple[str, str]]) -> list[Resource | SourceError]:
        """One batch Bundle of (method, relative url) entries; results aligned with `requests`.

        A failed entry becomes a SourceError for that entry only; the others still succeed.
        """
        if not requests:
            return []
        body = {
            "resourceType": "Bundle",
            "type": "batch",
            "entry": [{"request": {"method": m, "url": u}} for m, u in requests],
        }
        answer = await self._call(_Call(kind, "POST", self.config.base_url, ("Bundle",), body))
        entries = answer.get("entry") or []
        if answer.get("type") != "batch-response" or len(entries) != len(requests):
            raise SourceUnavailable(self.source, "unreadable answer (batch response)")
        return [self._entry_result(e, u) for e, (_, u) in zip(entries, requests, strict=True)]

    def _entry_result(self, entry: Any, url: str) -> Resource | SourceError:
        response = entry.get("response") if isinstance(entry, Mapping) else None
        status_text = str((response or {}).get("status", ""))
        code = status_text.split(" ", 1)[0]
        if not code.isdigit():
            return SourceUnavailable(self.source, "unreadable answer (batch entry)")
        if int(code) >= 400:
            return UpstreamRejected(self.source, int(code), self.url(url))
        resource = entry.get("resource")
        if not isinstance(resource, Mapping):
            return SourceUnavailable(self.source, "unreadable answer (batch entry)")
        return dict(resource)

    async def operation(self, kind: str, path: str, parameters: Mapping[str, Any], expect: str = "Bundle") -> Resource:
        """POST a Parameters resource to a read-only operation (e.g. `Patient/$match`)."""
        call = _Call(kind, "POST", self.url(path), (expect,), dict(parameters), safe=True)
        return await self._call(call)

    async def read_url(self, kind: str, url: str, resource_type: str) -> Resource:
        """`GET url`, an absolute URL on this server (an attachment's), in its JSON form."""
        return await self._call(_Call(kind, "GET", url, (resource_type,)))

    @contextlib.asynccontextmanager
    async def raw(self, kind: str, url: str, accept: str) -> AsyncIterator[aiohttp.ClientResponse]:
        """`GET url` for its raw bytes (`Accept: accept`), the answer held open to be streamed.

        One attempt (a refused token is renewed once), within a concurrency slot, the breaker and
        the call's timeout for the headers; an error status raises UpstreamRejected."""
        async with self._breaker.guard(self._circuit_open):
            started, status = time.monotonic(), "error"
            call = _Call(kind, "GET", url, ())
            try:
                # The span covers opening only: the body is streamed later, from another context.
                with span(f"GET {self._route(url)}", kind="client", attributes=self._attributes(call)) as note:
                    await self._semaphore.acquire()
                    try:
                        resp = await self._open_raw(url, accept)
                    except BaseException:
                        self._semaphore.release()
                        raise
                    status = str(resp.status)
                    note.set("http.response.status_code", resp.status)
                    if resp.status >= 400:
                        note.failed(status)
                        resp.release()
                        self._semaphore.release()
                        raise UpstreamRejected(self.source, resp.status, url)
                try:
                    yield resp
                finally:
                    resp.release()
                    self._semaphore.release()
            finally:
                self._observer.upstream_call(self.source, kind, status, time.monotonic() - started)

    async def _open_raw(self, url: str, accept: str) -> aiohttp.ClientResponse:
        budget = min(self.config.call_timeout or self.config.timeout, remaining())
        if budget < _MIN_USEFUL:
            raise SourceTimeout(self.source)
        for renewed in (False, True):
            token = await self.auth.token()
            headers = {"Authorization": f"Bearer {token}", "Accept": accept, **outgoing_headers()}
            try:
                async with asyncio.timeout(budget):
                    resp = await self._session.get(url, headers=headers)
            except TimeoutError as exc:
                raise SourceTimeout(self.source) from exc
            except aiohttp.ClientError as exc:
                raise SourceUnavailable(self.source, "connection failed") from exc
            if resp.status != 401 or renewed:
                return resp
            resp.release()
            self.auth.invalidate(token)
        raise AssertionError("unreachable")

    # ---- writes (never retried) ----------------------------------------------------------------

    async def create(self, kind: str, resource: Mapping[str, Any]) -> Resource:
        """`POST Type` with the resource; the created resource as the server returns it."""
        return await self._write(kind, "POST", resource, {})

    async def create_conditional(self, kind: str, resource: Mapping[str, Any], if_none_exist: Params) -> Resource:
        """`POST Type` with `If-None-Exist`: creates only when no resource matches the search."""
        header = urlencode(list(if_none_exist), safe=",|:")
        return await self._write(kind, "POST", resource, {"If-None-Exist": header})

    async def update(self, kind: str, resource: Mapping[str, Any], if_match: str | None = None) -> Resource:
        """`PUT Type/id`; with `if_match` (a version id or ETag) the server refuses stale writes."""
        headers = {}
        if if_match is not None:
            headers["If-Match"] = if_match if if_match.startswith("W/") else f'W/"{if_match}"'
        return await self._write(kind, "PUT", resource, headers)

    async def post(self, kind: str, resource: Mapping[str, Any]) -> Resource:
        """`POST Type` as Millennium answers it: 201 without a body, then `GET` of its `Location`."""
        rtype = str(resource.get("resourceType", ""))
        answer = await self._call(_Call(kind, "POST", self.url(rtype), (rtype,), dict(resource)))
        if "location" not in answer:
            return answer  # a server that answered with the created resource itself
        location = answer["location"]
        if not isinstance(location, str) or not location.startswith(self.config.base_url + "/"):
            raise SourceUnavailable(self.source, "unreadable answer (no Location on the server)")
        return await self._call(_Call(kind, "GET", location, (rtype,)))

    async def patch(
        self, kind: str, resource_type: str, resource_id: str, operations: Sequence[Mapping[str, Any]], if_match: str
    ) -> None:
        """`PATCH Type/id` with a JSON Patch and `If-Match` (a 423 is retried within the deadline)."""
        headers = {"If-Match": if_match if if_match.startswith("W/") else f'W/"{if_match}"',
                   "Content-Type": JSON_PATCH}  # fmt: skip
        url = self.url(f"{resource_type}/{resource_id}")
        await self._call(_Call(kind, "PATCH", url, (resource_type,), [dict(o) for o in operations], headers))

    async def _write(self, kind: str, method: str, resource: Mapping[str, Any], headers: Mapping[str, str]) -> Resource:
        rtype = str(resource.get("resourceType", ""))
        path = rtype if method == "POST" else f"{rtype}/{resource.get('id', '')}"
        headers = {**headers, "Prefer": "return=representation"}
        call = _Call(kind, method, self.url(path), (rtype,), dict(resource), headers)
        return await self._call(call)

    # ---- the machinery -------------------------------------------------------------------------

    async def _call(self, call: _Call) -> Resource:
        async with self._breaker.guard(self._circuit_open):
            return await self._attempts(call)

    def _circuit_open(self) -> SourceError:
        return SourceUnavailable(self.source, "circuit open")

    async def _attempts(self, call: _Call) -> Resource:
        """Attempts of one call: a read retries within the source's retry budget (at most one retry
        while the source is failing); a write never retries."""
        attempt = 0
        token_retried = False
        self._budget.called()
        while True:
            try:
                result = await self._once(call)
            except _Refused as refused:
                self._budget.answered(True)
                if token_retried:
                    raise refused.error from None
                token_retried = True
                self.auth.invalidate(refused.token)
                continue
            except _Retry as retry:
                if retry.locked:  # not a failing source: busy with another write; no budget spent
                    self._budget.answered(True)
                    if attempt + 1 >= _LOCKED_TRIES:
                        raise retry.error from None
                else:
                    self._budget.answered(False)
                    allowed = self._budget.retries_for(self.config.retries)
                    if not call.idempotent or attempt >= allowed or not self._budget.withdraw():
                        raise retry.error from None
                wait = retry.wait if retry.wait is not None else backoff(attempt)
                if wait + _MIN_USEFUL >= remaining():
                    raise retry.error from None
                attempt += 1
                await asyncio.sleep(wait)
                continue
            except SourceError as error:
                self._budget.answered(not source_is_down(error))
                raise
            self._budget.answered(True)
            return result

    async def _once(self, call: _Call) -> Resource:
        """One attempt, in a client span of its own (the trace and request id go upstream)."""
        with span(f"{call.method} {self._route(call.url)}", kind="client", attributes=self._attributes(call)) as note:
            return await self._attempt(call, note)

    def _route(self, url: str) -> str:
        """The resource type (or operation, or `batch`) a URL addresses: the span's name."""
        relative = url[len(self.config.base_url):].split("?", 1)[0].strip("/")
        return relative.split("/", 1)[0] or "batch"

    def _attributes(self, call: _Call) -> dict[str, str | int]:
        parts = urlsplit(call.url)
        return {"http.request.method": call.method, "server.address": parts.hostname or "",
                "server.port": parts.port or (443 if parts.scheme == "https" else 80),
                "url.full": f"{parts.scheme}://{parts.netloc}{parts.path}",  # never the query: it names patients
                "mhs.source": str(self.source), "mhs.kind": call.kind}

    async def _attempt(self, call: _Call, note: SpanNote) -> Resource:
        budget = min(self.config.call_timeout or self.config.timeout, remaining())
        if budget < _MIN_USEFUL:
            raise SourceTimeout(self.source)
        started = time.monotonic()
        status = "error"
        try:
            async with asyncio.timeout(budget), self._semaphore:
                token = await self.auth.token()
                headers = {
                    "Authorization": f"Bearer {token}",
                    "Accept": FHIR_JSON,
                    **outgoing_headers(),
                    **call.headers,
                }
                payload = None
                if call.body is not None:
                    payload = json.dumps(call.body).encode()
                    headers.setdefault("Content-Type", FHIR_JSON)
                async with self._session.request(call.method, call.url, data=payload, headers=headers) as resp:
                    status = str(resp.status)
                    text = await resp.read()
                    wait = retry_after(resp.headers.get("Retry-After"))
                    location = resp.headers.get("Location")
        except TimeoutError as exc:
            status = "timeout"
            raise SourceTimeout(self.source) from exc
        except aiohttp.ClientPayloadError as exc:
            raise SourceUnavailable(self.source, "unreadable answer (truncated)") from exc
        except aiohttp.ClientError as exc:
            raise _Retry(SourceUnavailable(self.source, "connection failed")) from exc
        finally:
            self._observer.upstream_call(self.source, call.kind, status, time.monotonic() - started)
        code = int(status)
        note.set("http.response.status_code", code)
        if code >= 400:
            note.failed(status)
        if code == 401:
            raise _Refused(token, UpstreamRejected(self.source, code, call.url))
        if code in RETRYABLE_STATUSES:
            raise _Retry(UpstreamRejected(self.source, code, call.url), wait)
        if code == 423:
            raise _Retry(UpstreamRejected(self.source, code, call.url), wait, locked=True)
        if code >= 400:
            raise UpstreamRejected(self.source, code, call.url)
        return self._decode(call, text, location)

    def _decode(self, call: _Call, text: bytes, location: str | None) -> Resource:
        if not text.strip() and call.method in ("POST", "PUT", "PATCH") and call.expect != ("Bundle",):
            # A write answered without a body: what we know is the type, the new id and where it is.
            url = (location or "").split("/_history", 1)[0].rstrip("/")
            return {"resourceType": call.expect[0], "id": url.split("/")[-1] if location else None,
                    "location": url or None}  # fmt: skip
        try:
            body = json.loads(text)
        except ValueError as exc:
            raise SourceUnavailable(self.source, "unreadable answer (not JSON)") from exc
        if not isinstance(body, dict) or body.get("resourceType") not in call.expect:
            raise SourceUnavailable(self.source, "unreadable answer (unexpected resource)")
        return body


