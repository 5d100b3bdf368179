"""Errors resolvers raise; each carries a stable `code` that becomes `extensions.code`.

GatewayError
 ├── BadUserInput   the request's arguments cannot be served (bad cursor, first > 100, bad id)
 ├── Forbidden      the caller may not see this (also for patients that do not exist)
 ├── DocumentNotFound  no document the caller may download has this id (unknown or not theirs alike)
 └── RateLimited    the caller used up a budget or quota; `retryAfter` says when to try again
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["BadUserInput", "DocumentNotFound", "Forbidden", "GatewayError", "RateLimited"]


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


class DocumentNotFound(GatewayError):
    """The same answer for a note that does not exist, is someone else's or has no document."""

    code = "NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("There is no document with this id that you may download.")


class RateLimited(GatewayError):
    """Over a rate limit or quota (HTTP 429 with `Retry-After`); `limit` names which one."""

    code = "RATE_LIMITED"

    def __init__(self, limit: str, retry_after: float) -> None:
        self.limit = limit
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(
            f"Too many requests ({limit}); retry in {self.retry_after} s.",
            limit=limit,
            retryAfter=self.retry_after,
        )
