"""Running one archive statement: under the request's deadline, reported, errors translated."""

from __future__ import annotations

import asyncio
import time

import asyncpg

from sources.calls.deadline import remaining
from sources.calls.observe import UpstreamObserver
from sources.calls.tracing import span, sql_comment
from sources.errors import SourceError, SourceTimeout, SourceUnavailable

from .name import TOL_ARCHIVE

__all__ = ["TolClient"]

SOURCE = TOL_ARCHIVE

# Failures that mean "the archive cannot answer now"; their messages are never kept (they can
# quote parameter values).
_UNAVAILABLE = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError)


class TolClient:
    """Borrows a pooled connection for exactly one statement at a time."""

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], observer: UpstreamObserver, *,
                 timeout: float | None = None) -> None:
        self._pool = pool
        self._observer = observer
        self._timeout = timeout  # one statement's limit; None: the request's deadline only

    async def fetch(self, kind: str, sql: str, *args: object) -> list[asyncpg.Record]:
        """Rows of `sql`; SourceTimeout past the deadline (or this source's own timeout),
        SourceUnavailable on any failure."""
        budget = remaining() if self._timeout is None else min(self._timeout, remaining())
        if budget <= 0:
            self._observer.upstream_call(SOURCE, kind, "timeout", 0.0)
            raise SourceTimeout(SOURCE)
        started = time.perf_counter()
        status = "error"
        try:
            with span("SELECT tol_archive", kind="client", attributes=_attributes(kind)):
                async with asyncio.timeout(budget):  # the comment carries the trace and the request id
                    rows = await self._pool.fetch(sql + sql_comment(), *args, timeout=budget)
            status = "ok"
            return rows
        except (TimeoutError, asyncpg.QueryCanceledError) as exc:
            status = "timeout"
            raise SourceTimeout(SOURCE) from exc
        except _UNAVAILABLE as exc:
            raise _unavailable(exc) from exc
        finally:
            self._observer.upstream_call(SOURCE, kind, status, time.perf_counter() - started)


def _attributes(kind: str) -> dict[str, str]:
    return {"db.system.name": "postgresql", "db.operation.name": "SELECT", "mhs.source": str(SOURCE),
            "mhs.kind": kind}


def _unavailable(exc: BaseException) -> SourceError:
    sqlstate = getattr(exc, "sqlstate", None)
    detail = type(exc).__name__ + (f" (SQLSTATE {sqlstate})" if sqlstate else "")
    return SourceUnavailable(SOURCE, detail)
