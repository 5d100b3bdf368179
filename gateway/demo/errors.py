"""Errors the demo stack raises, each carrying what went wrong and where."""

from __future__ import annotations

__all__ = ["DemoError", "PostgresStartError", "StackStartError"]


class DemoError(Exception):
    """Base of every error the demo stack raises."""


class PostgresStartError(DemoError):
    """The embedded PostgreSQL server did not come up."""

    def __init__(self, *, step: str, reason: str, log_tail: str = "") -> None:
        self.step = step
        self.reason = reason
        self.log_tail = log_tail
        message = f"embedded PostgreSQL failed at {step}: {reason}"
        if log_tail:
            message += f"\n--- server log (last lines) ---\n{log_tail}"
        super().__init__(message)


class StackStartError(DemoError):
    """One part of the demo stack did not start or did not answer in time."""

    def __init__(self, *, part: str, reason: str) -> None:
        self.part = part
        self.reason = reason
        super().__init__(f"demo stack part {part!r} did not start: {reason}")
