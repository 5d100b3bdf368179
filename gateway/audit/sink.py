"""Audit events queued in process and written in batches by one background task, never dropped.

Requests hand their events to `submit` and go on; the flusher writes them in order. A failed
write keeps the batch at the head of the queue and is retried with backoff until it succeeds.
While the last write failed, or too many events wait, the sink is not `accepting`: the gateway
then serves no health data (fail closed) and `/readyz` says why, until a write goes through.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import deque
from collections.abc import Sequence
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


class AuditSink:
    """A bounded queue of audit events and the task that flushes it."""

    def __init__(
        self,
        write: AuditWriter,
        *,
        max_pending: int = 10_000,
        batch_size: int = 500,
        write_timeout: float = 5.0,
        retry_initial: float = 0.05,
        retry_max: float = 2.0,
        drain_on_close: float = 5.0,
    ) -> None:
        self._write = write
        self._max_pending = max_pending
        self._batch_size = batch_size
        self._write_timeout = write_timeout
        self._retry_initial = retry_initial
        self._retry_max = retry_max
        self._drain_on_close = drain_on_close
        self._pending: deque[AuditEvent] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._failing = False
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def state(self) -> AuditState:
        if self._task is None or self._task.done():
            return AuditState.STOPPED
        if self._failing:
            return AuditState.FAILING
        if len(self._pending) >= self._max_pending:
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
            raise AuditUnavailable(state.value, len(self._pending))

    def submit(self, events: Sequence[AuditEvent]) -> None:
        """Queue `events` for writing (even while failing: what happened is recorded later).

        Raises AuditUnavailable, queuing nothing, when they would not fit or the sink is stopped.
        """
        if not events:
            return
        if self.state is AuditState.STOPPED or len(self._pending) + len(events) > self._max_pending:
            raise AuditUnavailable(self.state.value, len(self._pending))
        self._pending.extend(events)
        self._idle.clear()
        self._wake.set()

    async def drain(self) -> None:
        """Return once every event submitted so far has been written."""
        while self._pending:
            await self._idle.wait()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="audit-flusher")

    async def close(self) -> None:
        """Write what is queued (for up to `drain_on_close` seconds), then stop the flusher."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._drain_on_close):
                await self.drain()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self._pending:
            _log.error("audit events not written at shutdown", extra={"pending": len(self._pending)})

    async def _run(self) -> None:
        delay = self._retry_initial
        while True:
            if not self._pending:
                self._wake.clear()
                self._idle.set()
                await self._wake.wait()
                continue
            batch = list(itertools.islice(self._pending, self._batch_size))
            try:
                async with asyncio.timeout(self._write_timeout):
                    await self._write(batch)
            except Exception as error:
                if not self._failing:
                    _log.error("audit write failed; serving no health data until it succeeds",
                               extra={"exception_type": type(error).__name__,
                                      "pending": len(self._pending)})
                self._failing = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry_max)
                continue
            for _ in batch:
                self._pending.popleft()
            if self._failing:
                _log.warning("audit writes recovered", extra={"pending": len(self._pending)})
            self._failing = False
            delay = self._retry_initial
