"""uvicorn's HTTP protocol with Nagle's algorithm off on every connection, however its socket was bound."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

__all__ = ["HTTP_PROTOCOL", "NoDelayHTTPProtocol", "set_no_delay"]

# What `uvicorn.Config(http=...)` takes; a string, so spawned workers import it themselves.
HTTP_PROTOCOL = "gateway.http.nodelay:NoDelayHTTPProtocol"


def set_no_delay(transport: asyncio.BaseTransport) -> None:
    """TCP_NODELAY on the connection's socket (TCP only).

    asyncio sets it only when the listening socket was created with `IPPROTO_TCP`; a socket bound
    with proto 0 (the demo's, uvicorn's own for `--workers N` before 0.55) leaves Nagle on. uvicorn
    writes a response's head and body separately, so on a reused connection the body then waits
    for the client's delayed ACK: about 40 ms on Linux for every request after the first.
    """
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """The protocol uvicorn would pick (httptools or h11), answering without Nagle's delay."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        set_no_delay(transport)
        super().connection_made(transport)
