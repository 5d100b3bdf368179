"""ASGI middleware: take a sane `X-Request-Id` or make one, expose it to logs and the response."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.logging import request_id_var

__all__ = ["RequestIdMiddleware"]

_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
HEADER = "x-request-id"


class RequestIdMiddleware:
    """Sets `scope["state"]["request_id"]` and the logging context; echoes the id back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = Headers(scope=scope).get(HEADER, "")
        request_id = offered if _SANE.match(offered) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
