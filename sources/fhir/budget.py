"""A retry budget per source (Finagle's RetryBudget, Envoy's retry budget): retries may be at
most a share of recent calls, plus a small reserve, and a call retries at most once while the
source is failing; so retries cannot multiply the load on a source that is struggling."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

__all__ = ["RetryBudget"]


class RetryBudget:
    """Every call deposits `percent` of a retry and every retry withdraws one, over the last
    `window` seconds; `reserve_per_second` retries are always allowed (a quiet source may retry at
    all). `failing` is whether the source's latest attempt failed."""

    def __init__(self, percent: float = 0.2, reserve_per_second: float = 1.0, window: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not 0.0 <= percent <= 1.0 or reserve_per_second < 0 or window <= 0:
            raise ValueError("a retry budget needs 0 <= percent <= 1, a reserve >= 0 and a window > 0")
        self._percent = percent
        self._reserve = reserve_per_second * window
        self._window = window
        self._clock = clock
        self._seconds: deque[list[float]] = deque()  # [second, calls, retries], oldest first
        self.failing = False

    def called(self) -> None:
        """A call's first attempt goes out."""
        self._bucket()[1] += 1

    def answered(self, ok: bool) -> None:
        """An attempt ended: the source answered (`ok`) or failed."""
        self.failing = not ok

    def retries_for(self, configured: int) -> int:
        """How many retries a call may make now: one at most while the source is failing."""
        return min(configured, 1) if self.failing else configured

    def withdraw(self) -> bool:
        """Take one retry from the budget; False when the budget is spent."""
        bucket = self._bucket()
        calls = sum(b[1] for b in self._seconds)
        retries = sum(b[2] for b in self._seconds)
        if retries + 1 > self._reserve + self._percent * calls:
            return False
        bucket[2] += 1
        return True

    def _bucket(self) -> list[float]:
        now = self._clock()
        second = float(int(now))
        while self._seconds and self._seconds[0][0] <= now - self._window:
            self._seconds.popleft()
        if not self._seconds or self._seconds[-1][0] != second:
            self._seconds.append([second, 0.0, 0.0])
        return self._seconds[-1]
