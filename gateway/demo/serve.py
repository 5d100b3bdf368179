"""The gateway's ASGI app served by uvicorn inside the demo's own event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Generator
from typing import Any

import uvicorn

from gateway.http.nodelay import NoDelayHTTPProtocol

from .errors import StackStartError

__all__ = ["InLoopServer"]


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signals to its owner and reports startup failure as an error."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # the demo command owns SIGINT/SIGTERM and stops the server itself

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        except SystemExit:  # uvicorn exits the process when the app's lifespan fails
            raise StackStartError(part="gateway", reason="the app's startup failed") from None


class InLoopServer:
    """Serve one ASGI app on a socket it binds itself (so port 0 yields a known, free port)."""

    def __init__(self, *, host: str, port: int, log_level: str = "warning") -> None:
        # IPPROTO_TCP, not 0: asyncio turns Nagle off only on connections of a TCP-typed socket.
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._sock.bind((host, port))
        except OSError as exc:
            self._sock.close()
            raise StackStartError(part="gateway", reason=f"cannot bind {host}:{port}: {exc}") from None
        self.host = host
        self.port: int = self._sock.getsockname()[1]
        self._log_level = log_level
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://{self.host}:{self.port}"

    async def start(self, app: Any, within: float = 30.0) -> None:
        """Serve `app`; return once the app's startup has run and the socket listens."""
        config = uvicorn.Config(
            app,
            log_level=self._log_level,
            access_log=False,
            lifespan="on",
            proxy_headers=False,  # the gateway reads X-Forwarded-For itself (trusted proxies only)
            timeout_graceful_shutdown=5,
            http=NoDelayHTTPProtocol,
        )
        server = self._server = _QuietServer(config)
        self._task = asyncio.create_task(server.serve(sockets=[self._sock]))
        async with asyncio.timeout(within):
            while not server.started:
                if self._task.done():
                    await self._task  # raises the startup error, if any
                    raise StackStartError(part="gateway", reason="server exited during startup")
                await asyncio.sleep(0.02)

    async def stop(self) -> None:
        """Finish in-flight requests, run the app's shutdown, close the socket."""
        task, self._task = self._task, None
        if task is not None and self._server is not None:
            self._server.should_exit = True
            with contextlib.suppress(StackStartError):
                await task
        self._sock.close()
