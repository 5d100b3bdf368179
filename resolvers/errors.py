"""Errors resolvers raise; each carries a stable `code` that becomes `extensions.code`.

GatewayError
 ├── BadUserInput   the request's arguments cannot be served (bad cursor, first > 100, bad id)
 └── Forbidden      the caller may not see this (also for patients that do not exist)
"""

from __future__ import annotations

from typing import Any

__all__ = ["BadUserInput", "Forbidden", "GatewayError"]


class GatewayError(Exception):
    """An error meant for the client; its message never holds PHI."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions = {"code": self.code, **extensions}


class BadUserInput(GatewayError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        extra = {"argument": argument} if argument else {}
        super().__init__(message, **extra)


class Forbidden(GatewayError):
    code = "FORBIDDEN"

    def __init__(self) -> None:
        super().__init__("You are not allowed to see this record.")
