"""ASGI middleware: every request gets an id the gateway makes itself; a client's `X-Request-Id`
is kept beside it (printable ASCII, capped), for logs and the audit trail, never in its place."""

from __future__ import annotations

import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.logging import client_request_id_var, request_id_var

__all__ = ["MAX_CLIENT_ID", "RequestIdMiddleware", "client_request_id"]

HEADER = "x-request-id"
MAX_CLIENT_ID = 64


def client_request_id(offered: str) -> str | None:
    """A client's id as kept: visible ASCII only, at most MAX_CLIENT_ID characters; None if blank."""
    kept = "".join(ch for ch in offered[: MAX_CLIENT_ID * 4] if "!" <= ch <= "~")[:MAX_CLIENT_ID]
    return kept or None


class RequestIdMiddleware:
    """Sets `scope["state"]` `request_id` and `client_request_id`, and the logging context; answers
    carry the gateway's id in `X-Request-Id`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        offered = client_request_id(Headers(scope=scope).get(HEADER, ""))
        state = scope.setdefault("state", {})
        state["request_id"], state["client_request_id"] = request_id, offered
        token, client_token = request_id_var.set(request_id), client_request_id_var.set(offered)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
            client_request_id_var.reset(client_token)
