"""Running one archive statement: under the request's deadline, reported, errors translated."""

from __future__ import annotations

import asyncio
import time

import asyncpg

from sources.calls.deadline import remaining
from sources.calls.observe import UpstreamObserver
from sources.errors import SourceError, SourceTimeout, SourceUnavailable

from .name import TOL_ARCHIVE

__all__ = ["TolClient"]

SOURCE = TOL_ARCHIVE

# Failures that mean "the archive cannot answer now"; their messages are never kept (they can
# quote parameter values).
_UNAVAILABLE = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)


class TolClient:
    """Borrows a pooled connection for exactly one statement at a time."""

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], observer: UpstreamObserver) -> None:
        self._pool = pool
        self._observer = observer

    async def fetch(self, kind: str, sql: str, *args: object) -> list[asyncpg.Record]:
        """Rows of `sql`; SourceTimeout past the deadline, SourceUnavailable on any failure."""
        budget = remaining()
        if budget <= 0:
            self._observer.upstream_call(SOURCE, kind, "timeout", 0.0)
            raise SourceTimeout(SOURCE)
        started = time.perf_counter()
        status = "error"
        try:
            async with asyncio.timeout(budget):
                rows = await self._pool.fetch(sql, *args, timeout=budget)
            status = "ok"
            return rows
        except (TimeoutError, asyncpg.QueryCanceledError) as exc:
            status = "timeout"
            raise SourceTimeout(SOURCE) from exc
        except _UNAVAILABLE as exc:
            raise _unavailable(exc) from exc
        finally:
            self._observer.upstream_call(SOURCE, kind, status, time.perf_counter() - started)


def _unavailable(exc: BaseException) -> SourceError:
    sqlstate = getattr(exc, "sqlstate", None)
    detail = type(exc).__name__ + (f" (SQLSTATE {sqlstate})" if sqlstate else "")
    return SourceUnavailable(SOURCE, detail)
