"""Admitting a request: the client address's budget, then the principal's (by role), for reads or
for writes; refused with `RateLimited` (HTTP 429) before anything runs."""

from __future__ import annotations

import hashlib
import hmac

from resolvers.errors import RateLimited
from resolvers.principal import Principal

from .limiter import Limiter
from .settings import Budget, RateLimitConfig

__all__ = ["RequestLimiter", "opaque"]


def opaque(key: bytes, value: str) -> str:
    """A keyed hash of `value`: counters never name a DoD ID or an address in Redis."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:24]


class RequestLimiter:
    """One per process; the counters it takes from are shared when Redis is configured."""

    def __init__(self, config: RateLimitConfig, limiter: Limiter, key: bytes) -> None:
        self._config = config
        self._limiter = limiter
        self._key = key

    async def admit(self, principal: Principal, address: str | None, *, write: bool) -> None:
        """Count the request against its budgets; raise RateLimited at the first that is spent."""
        if not self._config.enabled:
            return
        kind = "writes" if write else "reads"
        if address:
            await self._take(self._config.address, write, f"{kind} per client address", "address",
                             opaque(self._key, address))
        role = principal.role.value
        await self._take(self._config.budget(principal.role), write, f"{kind} per {role}", role,
                         opaque(self._key, principal.subject))

    async def _take(self, budget: Budget, write: bool, name: str, *key: str) -> None:
        kind = "writes" if write else "reads"
        for item in budget.limits(write):
            wait = await self._limiter.take(item, *key, kind)
            if wait is not None:
                raise RateLimited(name, wait)
