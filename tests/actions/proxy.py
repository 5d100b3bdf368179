"""A pass-through proxy in front of the GENESIS sandbox that can lose the answer to a write.

GENESIS commits the write; the gateway never hears back in time. That is the case conditional
creates exist for, and one the sandbox's own faults cannot make (its latency comes before the
handler, so a request the gateway gave up on is never committed).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

_FORWARDED = ("Authorization", "Accept", "Content-Type", "If-Match", "If-None-Exist", "Prefer", "Idempotency-Key")
_RETURNED = ("Content-Type", "ETag", "Location", "Last-Modified", "Retry-After")


@dataclass
class LosingProxy:
    """Forwards everything to `origin`; a write `METHOD path` in `stall` is answered only after
    `stall_seconds` (once GENESIS has committed it)."""

    origin: str
    stall: set[tuple[str, str]] = field(default_factory=set)
    stall_seconds: float = 30.0
    committed: list[tuple[str, str, int]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _session: aiohttp.ClientSession | None = None
    url: str = ""

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        headers = {h: request.headers[h] for h in _FORWARDED if h in request.headers}
        body = await request.read()
        target = self.origin + request.rel_url.raw_path_qs
        async with self._session.request(request.method, target, data=body or None, headers=headers) as upstream:
            payload = await upstream.read()
            status = upstream.status
            kept = {h: upstream.headers[h] for h in _RETURNED if h in upstream.headers}
        if (request.method, request.path) in self.stall:
            self.committed.append((request.method, request.path, status))
            await asyncio.sleep(self.stall_seconds)  # the gateway has given up by now
        return web.Response(status=status, body=payload, headers=kept)

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, handler_cancellation=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()
