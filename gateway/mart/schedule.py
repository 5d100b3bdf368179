"""The export job on a schedule inside a process (`MHS_GATEWAY_MART_REFRESH` seconds, or the demo's).

The first run starts at once; a run another process holds the lock for is skipped; a failed run
is logged (by type, never its message) and tried again at the next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from .job import JobReport
from .layout import ExportBusy

__all__ = ["MartRefresher"]

_log = logging.getLogger("gateway.mart")


class MartRefresher:
    """Runs an export (`run`: the job, or `run_export` over a config) now, then every `every` seconds."""

    def __init__(self, run: Callable[[], Awaitable[JobReport]], every: float) -> None:
        self._run = run
        self._every = every
        self._task: asyncio.Task[None] | None = None
        self.last: JobReport | None = None
        self.runs = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="mart-refresh")

    async def _loop(self) -> None:
        while True:
            try:
                self.last = await self._run()
                self.runs += 1
                _log.info("mart refreshed", extra={"snapshot": self.last.snapshot_id,
                                                    "seconds": round(self.last.seconds, 2)})
            except ExportBusy:
                _log.info("mart refresh skipped: another export is running")
            except Exception as exc:
                _log.error("mart refresh failed", extra={"exception": type(exc).__name__})
            await asyncio.sleep(self._every)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
