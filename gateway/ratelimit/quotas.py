"""Per-patient action quotas (the resolvers' `ActionQuotas` port): bookings per 24 hours."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from limits import RateLimitItem, RateLimitItemPerDay

from .limiter import Limiter
from .requests import opaque
from .settings import RateLimitConfig

__all__ = ["Quotas"]


class Quotas:
    """`take("bookings", dod_id)`: one booking counted, or the seconds until one is allowed."""

    def __init__(self, config: RateLimitConfig, limiter: Limiter, key: bytes) -> None:
        items: dict[str, RateLimitItem] = {}
        if config.enabled and config.bookings_per_day > 0:
            items["bookings"] = RateLimitItemPerDay(config.bookings_per_day)
        self._items: Mapping[str, RateLimitItem] = MappingProxyType(items)
        self._limiter = limiter
        self._key = key

    async def take(self, quota: str, subject: str) -> float | None:
        item = self._items.get(quota)
        if item is None:
            return None
        return await self._limiter.take(item, "quota", quota, opaque(self._key, subject))
