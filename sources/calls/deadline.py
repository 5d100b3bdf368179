"""The request deadline every upstream call respects, carried in a context variable."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

__all__ = ["deadline_at", "deadline_scope", "remaining"]

_deadline: ContextVar[float | None] = ContextVar("mhs_deadline", default=None)


def remaining(default: float = 30.0) -> float:
    """Seconds left before the current request's deadline (or `default` outside a request)."""
    deadline = _deadline.get()
    if deadline is None:
        return default
    return max(0.0, deadline - asyncio.get_running_loop().time())


@contextlib.contextmanager
def deadline_scope(seconds: float) -> Iterator[None]:
    """Run the enclosed code (and every task it starts) under a deadline `seconds` from now."""
    token = _deadline.set(asyncio.get_running_loop().time() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


@contextlib.contextmanager
def deadline_at(loop_time: float) -> Iterator[None]:
    """Run the enclosed code under an absolute deadline (event-loop time)."""
    token = _deadline.set(loop_time)
    try:
        yield
    finally:
        _deadline.reset(token)
