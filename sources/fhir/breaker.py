"""A circuit breaker: closed, open after N consecutive failures, half-open probe after a pause."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from enum import StrEnum

from ..errors import SourceError, UpstreamRejected

__all__ = ["BreakerState", "CircuitBreaker", "source_is_down"]


def source_is_down(error: SourceError) -> bool:
    """Whether an error says the source itself is failing (trips the breaker): not reached, timed
    out, or answered 5xx or 429; a 4xx answer means it is up and refused this request."""
    if isinstance(error, UpstreamRejected):
        return error.status >= 500 or error.status == 429
    return True


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts consecutive failed calls; while open, `allow()` says no until `reset` has passed.

    After the pause one probe call is let through (half-open); its success closes the breaker,
    its failure opens it for another pause. Other calls fail fast while the probe is out.
    """

    def __init__(self, failures: int, reset: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._threshold = failures
        self._reset = reset
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._probing or self._clock() - self._opened_at >= self._reset:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Whether a call may go out now; in half-open, only the first caller becomes the probe."""
        if self._opened_at is None:
            return True
        if self._probing or self._clock() - self._opened_at < self._reset:
            return False
        self._probing = True
        return True

    def succeeded(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def failed(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self._threshold:
            self._opened_at = self._clock()
        self._probing = False

    def released(self) -> None:
        """A call that was allowed ended without a verdict (e.g. cancelled): free the probe."""
        self._probing = False

    @contextlib.asynccontextmanager
    async def guard(self, refused: Callable[[], SourceError]) -> AsyncIterator[None]:
        """Around one call: `refused()` is raised at once while open; a SourceError the call raises
        counts as a failure when it says the source is down, as a success otherwise (the source
        answered); anything else (cancelled) leaves no verdict."""
        if not self.allow():
            raise refused()
        try:
            yield
        except SourceError as exc:
            (self.failed if source_is_down(exc) else self.succeeded)()
            raise
        except BaseException:
            self.released()
            raise
        self.succeeded()
