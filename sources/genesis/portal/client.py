"""The patient portal's HTTP client: a token, a concurrency bound, a breaker, observed and traced calls."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp

from ...calls.deadline import remaining
from ...calls.observe import UpstreamObserver
from ...calls.tracing import outgoing_headers, span
from ...errors import SourceError, SourceTimeout, SourceUnavailable, UpstreamRejected
from ...fhir.auth import SmartAuth
from ...fhir.breaker import CircuitBreaker
from ...fhir.retry import RETRYABLE_STATUSES, backoff
from ...writes import NotSupported
from ..name import GENESIS
from .config import PortalConfig

__all__ = ["PortalClient", "PortalRefused"]

Json = dict[str, Any]
_MIN_USEFUL = 0.01


class PortalRefused(UpstreamRejected):
    """The portal answered 4xx with its own error `code` (e.g. `not-found`, `already-completed`)."""

    def __init__(self, status: int, url: str, code: str) -> None:
        super().__init__(GENESIS, status, url)
        self.code = code


class PortalClient:
    """Calls one portal service for GENESIS. A read retries once (connection failures, 429/5xx)
    while time is left; a write never retries here (the pipeline reruns it with the same key)."""

    def __init__(self, config: PortalConfig, session: aiohttp.ClientSession, observer: UpstreamObserver) -> None:
        self.config = config
        self._session = session
        self._observer = observer
        self.auth = SmartAuth(GENESIS, config.auth, session, observer)
        self._semaphore = asyncio.Semaphore(config.auth.max_concurrency)
        self._breaker = CircuitBreaker(config.auth.breaker_failures, config.auth.breaker_reset)

    async def metadata(self) -> Json:
        """What the service offers (no token needed)."""
        return await self._call("capabilities", "GET", "metadata", signed=False)

    async def search(self, kind: str, path: str, params: Sequence[tuple[str, str]]) -> list[Json]:
        """`GET path?params`: the items answered."""
        query = urlencode(list(params), safe=",|:")
        body = await self._call(kind, "GET", f"{path}?{query}")
        items = body.get("items")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SourceUnavailable(GENESIS, "unreadable answer (portal items)")
        return items

    async def write(self, kind: str, path: str, body: Mapping[str, Any], key: str, target: str) -> Json:
        """`POST path` with `Idempotency-Key: key`: what the portal stored. NotSupported (about
        `target`) when the portal no longer offers it (what it offered was read earlier)."""
        try:
            return await self._call(kind, "POST", path, body=dict(body), headers={"Idempotency-Key": key})
        except PortalRefused as exc:
            if exc.code == "not-offered":
                raise NotSupported(target, "MHS GENESIS's patient portal does not offer this now") from exc
            raise

    async def _call(self, kind: str, method: str, path: str, *, signed: bool = True, body: Json | None = None,
                    headers: Mapping[str, str] | None = None) -> Json:  # fmt: skip
        url = f"{self.config.url}/{path}"
        async with self._breaker.guard(lambda: SourceUnavailable(GENESIS, "circuit open (portal)")):
            return await self._attempts(kind, method, url, signed, body, headers or {})

    async def _attempts(self, kind: str, method: str, url: str, signed: bool, body: Json | None,
                        headers: Mapping[str, str]) -> Json:  # fmt: skip
        retried = token_retried = False
        while True:
            try:
                return await self._once(kind, method, url, signed, body, headers)
            except _Stale as stale:
                if token_retried:
                    raise stale.error from None
                token_retried = True
                self.auth.invalidate(stale.token)
            except _Retry as retry:
                if method != "GET" or retried or backoff(0) + _MIN_USEFUL >= remaining():
                    raise retry.error from None
                retried = True
                await asyncio.sleep(backoff(0))

    async def _once(self, kind: str, method: str, url: str, signed: bool, body: Json | None,
                    headers: Mapping[str, str]) -> Json:  # fmt: skip
        budget = min(self.config.auth.call_timeout or self.config.auth.timeout, remaining())
        if budget < _MIN_USEFUL:
            raise SourceTimeout(GENESIS)
        parts = urlsplit(url)
        attributes: dict[str, str | int] = {"http.request.method": method, "server.address": parts.hostname or "",
                                            "url.full": f"{parts.scheme}://{parts.netloc}{parts.path}",
                                            "mhs.source": str(GENESIS), "mhs.kind": kind}  # fmt: skip
        name = f"{method} portal/{parts.path.rsplit('/', 1)[-1]}"
        started, status, token = time.monotonic(), "error", ""
        with span(name, kind="client", attributes=attributes) as note:
            try:
                async with asyncio.timeout(budget), self._semaphore:
                    sent = {"Accept": "application/json", **outgoing_headers(), **headers}
                    if signed:
                        token = await self.auth.token()
                        sent["Authorization"] = f"Bearer {token}"
                    data = json.dumps(body).encode() if body is not None else None
                    if data is not None:
                        sent["Content-Type"] = "application/json"
                    async with self._session.request(method, url, data=data, headers=sent) as resp:
                        status = str(resp.status)
                        text = await resp.read()
            except TimeoutError as exc:
                status = "timeout"
                raise SourceTimeout(GENESIS) from exc
            except aiohttp.ClientPayloadError as exc:
                raise SourceUnavailable(GENESIS, "unreadable answer (truncated)") from exc
            except aiohttp.ClientError as exc:
                raise _Retry(SourceUnavailable(GENESIS, "connection failed (portal)")) from exc
            finally:
                self._observer.upstream_call(GENESIS, kind, status, time.monotonic() - started)
            code = int(status)
            note.set("http.response.status_code", code)
            if code >= 400:
                note.failed(status)
        return _answer(code, url, text, token)


class _Retry(Exception):
    def __init__(self, error: SourceError) -> None:
        self.error = error


class _Stale(Exception):
    def __init__(self, token: str, error: SourceError) -> None:
        self.token, self.error = token, error


def _answer(code: int, url: str, text: bytes, token: str) -> Json:
    if code == 401 and token:
        raise _Stale(token, UpstreamRejected(GENESIS, code, url))
    if code in RETRYABLE_STATUSES:
        raise _Retry(UpstreamRejected(GENESIS, code, url))
    try:
        body = json.loads(text) if text.strip() else {}
    except ValueError as exc:
        raise SourceUnavailable(GENESIS, "unreadable answer (portal, not JSON)") from exc
    if not isinstance(body, dict):
        raise SourceUnavailable(GENESIS, "unreadable answer (portal)")
    if 400 <= code < 500:
        raise PortalRefused(code, url, str(body.get("error") or ""))
    if code >= 400:
        raise UpstreamRejected(GENESIS, code, url)
    return body
