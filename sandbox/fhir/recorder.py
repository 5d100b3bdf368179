"""The request recorder: the last N requests a sandbox answered, with every credential left out.

`GET /__admin/requests` lists them oldest first (newest last), each with a growing `seq`;
`?since=<seq>` keeps only later ones, `?limit=<n>` the newest n of those. `DELETE` clears it.
Admin requests themselves are not recorded.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

__all__ = ["DEFAULT_SIZE", "RecordedRequest", "RequestRecorder", "recorder_middleware", "recorder_routes"]

DEFAULT_SIZE = 1000
_ADMIN = "/__admin"
_TOKEN_SUFFIX = "/token"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_FIELDS = frozenset({"client_assertion", "client_secret", "assertion", "password", "refresh_token", "code"})
_MAX_BODY = 64 * 1024

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the sandbox saw it. `status` is None when the connection was dropped
    (the `down` fault); `form` holds a token request's fields minus credentials; `body` the
    text of any other request body (cut at 64 KiB)."""

    seq: int
    at: float
    method: str
    path: str
    query_string: str
    query: list[list[str]]
    headers: dict[str, str]
    status: int | None
    form: dict[str, str] | None = None
    body: str | None = None


class RequestRecorder:
    """A bounded, in-memory log of requests (the oldest fall off first)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if size < 1:
            raise ValueError("the recorder must keep at least one request")
        self.size = size
        self._entries: deque[RecordedRequest] = deque(maxlen=size)
        self._seq = 0

    def add(self, request: web.Request, body: bytes, status: int | None) -> RecordedRequest:
        """Record one answered request."""
        self._seq += 1
        is_token = request.method == "POST" and request.path.endswith(_TOKEN_SUFFIX)
        text = body.decode("utf-8", "replace")
        entry = RecordedRequest(
            seq=self._seq,
            at=time.time(),
            method=request.method,
            path=request.path,
            query_string=request.query_string,
            query=[[k, v] for k, v in request.query.items()],
            headers={k: v for k, v in request.headers.items() if k.lower() not in _SECRET_HEADERS},
            status=status,
            form=_form(text) if is_token else None,
            body=None if is_token or not body else text[:_MAX_BODY],
        )
        self._entries.append(entry)
        return entry

    def entries(self, since: int = 0, limit: int | None = None) -> list[RecordedRequest]:
        """Recorded requests after `since`, oldest first; the newest `limit` of them if given."""
        found = [e for e in self._entries if e.seq > since]
        return found[-limit:] if limit is not None else found

    def clear(self) -> None:
        self._entries.clear()

    def snapshot(self, since: int = 0, limit: int | None = None) -> dict[str, Any]:
        return {
            "size": self.size,
            "last_seq": self._seq,
            "requests": [asdict(e) for e in self.entries(since, limit)],
        }


def _form(text: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(text, keep_blank_values=True) if k not in _SECRET_FIELDS}


def recorder_middleware(recorder: RequestRecorder) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Record every non-admin request with the status its client got (outermost middleware)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(_ADMIN):
            return await handler(request)
        body = await request.read()
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            recorder.add(request, body, exc.status)
            raise
        except Exception:
            recorder.add(request, body, 500)
            raise
        transport = request.transport
        dropped = transport is None or transport.is_closing()
        recorder.add(request, body, None if dropped else response.status)
        return response

    return middleware


def recorder_routes(recorder: RequestRecorder) -> list[web.RouteDef]:
    """`GET` and `DELETE /__admin/requests`."""

    async def get_requests(request: web.Request) -> web.Response:
        try:
            since = int(request.query.get("since", "0"))
            limit = int(request.query["limit"]) if "limit" in request.query else None
        except ValueError:
            return web.json_response({"error": "since and limit must be whole numbers"}, status=400)
        if since < 0 or (limit is not None and limit < 0):
            return web.json_response({"error": "since and limit must not be negative"}, status=400)
        return web.json_response(recorder.snapshot(since, limit))

    async def clear_requests(_: web.Request) -> web.Response:
        recorder.clear()
        return web.json_response(recorder.snapshot())

    return [web.get("/__admin/requests", get_requests), web.delete("/__admin/requests", clear_requests)]
