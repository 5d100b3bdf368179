"""The middleware that counts FHIR and token requests and applies injected faults to them."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import Awaitable, Callable

from aiohttp import web

from .admin import FaultState, Stats
from .outcome import operation_outcome

__all__ = ["fault_middleware", "stats_key"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_FHIR_PREFIX = "/fhir"
TOKEN_PATH = "/auth/token"
_HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"


def stats_key(path: str) -> str:
    """The stats bucket of a FHIR path: resource ids collapse to `{id}` (other paths: as they are,
    a portal assignment's id collapsed)."""
    if not path.startswith(_FHIR_PREFIX):
        parts = path.split("/")
        return "/".join("{id}" if i > 0 and parts[i - 1] == "assignments" else p for i, p in enumerate(parts))
    segments = [s for s in path[len(_FHIR_PREFIX) :].split("/") if s]
    if len(segments) == 3 and segments[0] == "bulk-export":  # bulk-export/jobs/{id}, bulk-export/files/{id}
        segments[2] = "{id}"
    elif len(segments) >= 2 and segments[1][:1] not in ("_", "$"):
        segments[1] = "{id}"
    return "/".join([_FHIR_PREFIX, *segments])


def fault_middleware(
    stats: Stats, faults: FaultState, also: tuple[str, ...] = (), *, token: bool = True
) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Count, then delay, refuse, fail or spoil FHIR and token requests (and those under the
    prefixes `also`, such as the patient portal's) as the faults say."""
    prefixes = (*((_FHIR_PREFIX,) if token else ()), *also)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        is_fhir = any(path == p or path.startswith(p + "/") for p in prefixes)
        if not is_fhir and (path != TOKEN_PATH or not token):
            return await handler(request)
        if is_fhir:
            stats.count(stats_key(path))
        else:
            stats.token_requests += 1
        current = faults.faults
        if current.down:
            return _reset(request)
        if current.latency_ms:
            await asyncio.sleep(current.latency_ms / 1000)
        status = faults.next_error()
        if status is not None:
            return _error(status)
        response = await handler(request)
        if current.garbage and isinstance(response, web.Response):
            return _spoil(response, current.garbage)
        return response

    return middleware


def _reset(request: web.Request) -> web.Response:
    """Drop the connection with a TCP reset: the client sees the server as unreachable."""
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    return web.Response(status=503)  # never reaches the client


def _error(status: int) -> web.Response:
    headers = {"Retry-After": "1"} if status in (429, 503) else {}
    body = operation_outcome("throttled" if status == 429 else "transient", f"injected fault: HTTP {status}")
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        content_type="application/fhir+json",
        headers=headers,
    )


def _spoil(response: web.Response, kind: str) -> web.Response:
    if kind == "html":
        return web.Response(status=200, body=_HTML, content_type="text/html")
    body = response.body if isinstance(response.body, bytes) else b'{"resourceType": "Bundle"}'
    cut = body[: max(1, len(body) // 2)]
    return web.Response(status=response.status, body=cut, content_type="application/fhir+json")
