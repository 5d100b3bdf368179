"""Who may read `/metrics` and the detail of `/readyz`: anyone (the demo), holders of the metrics
token, or only callers of the separate admin listener, as configured."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from starlette.requests import Request

__all__ = ["AdminAccess"]


@dataclass(frozen=True, slots=True)
class AdminAccess:
    """`token`: a bearer token the operator's scraper sends; `separate`: the detail is served only
    on the admin listener (the public one says `ready` or `not_ready` and nothing more)."""

    token: str | None = field(default=None, repr=False)
    separate: bool = False

    def allowed(self, request: Request, *, admin_listener: bool) -> bool:
        if self.separate and not admin_listener:
            return False
        if self.token is None:
            return True
        offered = request.headers.get("authorization", "")
        scheme, _, value = offered.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), self.token.encode())

    def refusal(self, *, admin_listener: bool) -> int:
        """404 where the detail is never served, 401 where a token would open it."""
        return 404 if self.separate and not admin_listener else 401
