"""Running one store statement: translate driver failures into StoreUnavailable."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TypeAlias

import asyncpg

from .errors import StoreUnavailable

__all__ = ["Executor", "store_errors"]

# Either a pool (borrows a connection per call) or a connection the caller holds.
Executor: TypeAlias = "asyncpg.Pool[asyncpg.Record] | asyncpg.Connection[asyncpg.Record]"


@contextlib.contextmanager
def store_errors(operation: str) -> Iterator[None]:
    """Raise StoreUnavailable (without the driver's message, which may quote data) on failure."""
    try:
        yield
    except (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError,
            TimeoutError) as exc:
        raise StoreUnavailable.from_exception(operation, exc) from exc
