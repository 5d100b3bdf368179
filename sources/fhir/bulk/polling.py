"""How long and how often to poll an export's status URL."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PollPolicy"]


@dataclass(frozen=True)
class PollPolicy:
    """How to poll: the server's `Retry-After`, kept within [min_delay, max_delay]; without one,
    exponential backoff from `min_delay`; `ExportNotReady` once `max_wait` seconds are spent."""

    min_delay: float = 1.0
    max_delay: float = 300.0
    max_wait: float = 6 * 3600.0
    max_transient: int = 5
    """Connection failures in a row tolerated while polling."""

    def __post_init__(self) -> None:
        if not 0 < self.min_delay <= self.max_delay:
            raise ValueError("PollPolicy needs 0 < min_delay <= max_delay")
        if self.max_wait < 0 or self.max_transient < 0:
            raise ValueError("PollPolicy.max_wait and max_transient must not be negative")

    def delay(self, asked: float | None, attempt: int) -> float:
        """Seconds to wait before the next poll."""
        wanted = asked if asked is not None else self.min_delay * 2 ** min(attempt, 30)
        return min(self.max_delay, max(self.min_delay, wanted))
