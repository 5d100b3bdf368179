"""The one way tests serve an ASGI app: the demo's in-loop uvicorn server on a free loopback port."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from gateway.demo.serve import InLoopServer

__all__ = ["serve"]


@contextlib.asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """Yield the server's base URL while it serves `app` (lifespan on); stop it after."""
    server = InLoopServer(host="127.0.0.1", port=0)
    await server.start(app)
    try:
        yield server.url
    finally:
        await server.stop()
