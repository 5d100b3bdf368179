"""Taking one unit of a limit: the sliding-window counter of `limits`, over shared counters that
fall back to this process's memory while Redis fails (a slow Redis never fails a request)."""

from __future__ import annotations

import asyncio
import logging
import time

from limits import RateLimitItem
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from .storage import Counters, memory_counters

__all__ = ["Limiter"]

_log = logging.getLogger("gateway.ratelimit")


class Limiter:
    """`take(item, *key)`: None when within the limit (and counted), else seconds to wait."""

    def __init__(self, counters: Counters, *, timeout: float = 0.5, cool_off: float = 5.0) -> None:
        self._counters = counters
        self._shared = SlidingWindowCounterRateLimiter(counters.storage)
        self._local = SlidingWindowCounterRateLimiter(memory_counters().storage)
        self._timeout = timeout
        self._cool_off = cool_off
        self._resting_until: float | None = None

    @property
    def shared(self) -> bool:
        """Whether counts are shared with other processes right now."""
        return self._counters.shared and self._resting_until is None

    async def take(self, item: RateLimitItem, *key: str) -> float | None:
        if not self._resting():
            try:
                async with asyncio.timeout(self._timeout):
                    return await _take(self._shared, item, key)
            except Exception as error:  # never the request's failure: count locally meanwhile
                self._failed(error)
        return await _take(self._local, item, key)

    async def close(self) -> None:
        await self._counters.close()

    def _resting(self) -> bool:
        if self._resting_until is None:
            return False
        if time.monotonic() < self._resting_until:
            return True
        _log.info("rate-limit counters shared again")
        self._resting_until = None
        return False

    def _failed(self, error: Exception) -> None:
        if self._resting_until is None:
            _log.warning("rate-limit store unavailable; counting in this process meanwhile",
                         extra={"exception_type": type(error).__name__})
        self._resting_until = time.monotonic() + self._cool_off


async def _take(strategy: SlidingWindowCounterRateLimiter, item: RateLimitItem, key: tuple[str, ...]) -> float | None:
    if await strategy.hit(item, *key):
        return None
    stats = await strategy.get_window_stats(item, *key)
    return max(0.0, stats.reset_time - time.time())
