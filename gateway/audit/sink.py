"""Audit events committed before health data leaves: one writer task, group commit, never dropped.

A request hands its events to `commit` and waits (at most `commit_timeout`) until they are in
PostgreSQL; only then is its answer sent. The writer takes every event waiting at that moment into
one insert, so concurrent requests share one round trip (group commit). A write that fails keeps
its batch at the head of the queue and is retried with backoff until it succeeds: what happened is
recorded late, never lost, but the requests waiting on it get AUDIT_UNAVAILABLE (503), no data.
While the last write failed, or too many events wait, the sink is not `accepting`: requests for
health data are refused before any source is asked, and `/readyz` says why, until a write goes
through.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from gateway.store import AuditEvent

from .errors import AuditUnavailable
from .events import AuditWriter

__all__ = ["AuditSink", "AuditState"]

_log = logging.getLogger("gateway.audit")


class AuditState(StrEnum):
    OK = "OK"  # the last write succeeded (or none was needed yet)
    FAILING = "FAILING"  # the last write failed; retrying
    FULL = "FULL"  # `max_pending` events wait to be written
    STOPPED = "STOPPED"  # not started, or closed


@dataclass
class _Entry:
    """One request's events and the future its request waits on."""

    events: Sequence[AuditEvent]
    written: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class AuditSink:
    """A bounded queue of audit events and the task that commits them in groups."""

    def __init__(
        self,
        write: AuditWriter,
        *,
        max_pending: int = 10_000,
        batch_size: int = 500,
        write_timeout: float = 5.0,
        commit_timeout: float = 2.0,
        retry_initial: float = 0.05,
        retry_max: float = 2.0,
        drain_on_close: float = 5.0,
    ) -> None:
        self._write = write
        self._max_pending = max_pending
        self._batch_size = batch_size
        self._write_timeout = write_timeout
        self._commit_timeout = commit_timeout
        self._retry_initial = retry_initial
        self._retry_max = retry_max
        self._drain_on_close = drain_on_close
        self._queue: deque[_Entry] = deque()
        self._pending = 0  # events in the queue
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._failing = False
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def state(self) -> AuditState:
        if self._task is None or self._task.done():
            return AuditState.STOPPED
        if self._failing:
            return AuditState.FAILING
        if self._pending >= self._max_pending:
            return AuditState.FULL
        return AuditState.OK

    @property
    def accepting(self) -> bool:
        """Whether health data may be served now (its audit events can be recorded)."""
        return self.state is AuditState.OK

    def check(self) -> None:
        """Raise AuditUnavailable unless the sink is accepting."""
        state = self.state
        if state is not AuditState.OK:
            raise AuditUnavailable(state.value, self._pending)

    def submit(self, events: Sequence[AuditEvent]) -> asyncio.Future[None]:
        """Queue `events` for writing (even while failing: what happened is recorded later); the
        future resolves once they are committed. Raises AuditUnavailable, queuing nothing, when
        they would not fit or the sink is stopped."""
        entry = _Entry(events)
        if not events:
            entry.written.set_result(None)
            return entry.written
        if self.state is AuditState.STOPPED or self._pending + len(events) > self._max_pending:
            raise AuditUnavailable(self.state.value, self._pending)
        self._queue.append(entry)
        self._pending += len(events)
        self._idle.clear()
        self._wake.set()
        return entry.written

    async def commit(self, events: Sequence[AuditEvent]) -> None:
        """Return once `events` are committed; AuditUnavailable when that takes longer than the
        commit timeout (they stay queued and are written later) or the sink cannot take them."""
        written = self.submit(events)
        try:
            async with asyncio.timeout(self._commit_timeout):
                await asyncio.shield(written)
        except TimeoutError:
            raise AuditUnavailable(self.state.value if self._failing else "SLOW", self._pending) from None

    async def drain(self) -> None:
        """Return once every event submitted so far has been written."""
        while self._queue:
            await self._idle.wait()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def close(self) -> None:
        """Write what is queued (for up to `drain_on_close` seconds), then stop the writer."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._drain_on_close):
                await self.drain()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self._queue:
            _log.error("audit events not written at shutdown", extra={"pending": self._pending})
            for entry in self._queue:
                entry.written.cancel()  # its request has long been answered (503) or is being stopped

    def _batch(self) -> list[_Entry]:
        """The entries waiting now, up to about `batch_size` events (whole entries only)."""
        taken: list[_Entry] = []
        count = 0
        for entry in self._queue:
            if taken and count + len(entry.events) > self._batch_size:
                break
            taken.append(entry)
            count += len(entry.events)
        return taken

    async def _run(self) -> None:
        delay = self._retry_initial
        while True:
            if not self._queue:
                self._wake.clear()
                self._idle.set()
                await self._wake.wait()
                continue
            batch = self._batch()
            try:
                async with asyncio.timeout(self._write_timeout):
                    await self._write([event for entry in batch for event in entry.events])
            except Exception as error:
                if not self._failing:
                    _log.error("audit write failed; serving no health data until it succeeds",
                               extra={"exception_type": type(error).__name__, "pending": self._pending})
                self._failing = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry_max)
                continue
            for entry in batch:
                self._queue.popleft()
                self._pending -= len(entry.events)
                if not entry.written.done():
                    entry.written.set_result(None)
            if self._failing:
                _log.warning("audit writes recovered", extra={"pending": self._pending})
            self._failing = False
            delay = self._retry_initial
