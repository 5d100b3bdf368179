"""`CapabilityWatch`: reads what each source offers at startup and on a timer, into the board."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

from resolvers.capabilities import CapabilityBoard
from sources.base import Source
from sources.calls.deadline import deadline_scope
from sources.capabilities import Discoverable
from sources.errors import SourceError
from sources.records import RecordSource

__all__ = ["CapabilityWatch", "declared_board"]

_log = logging.getLogger("gateway.capabilities")


def declared_board(sources: Mapping[RecordSource, Source]) -> CapabilityBoard:
    """The board before any upstream is asked: what each source's configuration says."""
    return CapabilityBoard(s.declared() for s in sources.values() if isinstance(s, Discoverable))


class CapabilityWatch:
    """Asks every `Discoverable` source what it offers (each within `timeout` seconds), then again
    every `interval` seconds (0: at startup only). A source that cannot be asked keeps what it said."""

    def __init__(
        self, sources: Mapping[RecordSource, Source], board: CapabilityBoard, *, interval: float, timeout: float
    ) -> None:
        self._sources = {n: s for n, s in sources.items() if isinstance(s, Discoverable)}
        self._board = board
        self._interval = interval
        self._timeout = timeout
        self._task: asyncio.Task[None] | None = None

    async def refresh(self) -> None:
        """Ask every source once, concurrently."""
        await asyncio.gather(*(self._ask(name, source) for name, source in self._sources.items()))

    async def _ask(self, name: RecordSource, source: Discoverable) -> None:
        try:
            with deadline_scope(self._timeout):
                async with asyncio.timeout(self._timeout + 0.25):
                    offer = await source.discover()
        except (SourceError, TimeoutError) as exc:
            _log.warning("capabilities not read", extra={"source": name, "error": type(exc).__name__})
            return
        self._board.update(offer)
        off = sorted(f.value for f, reason in offer.features.items() if reason is not None)
        _log.info("capabilities read", extra={"source": name, "features_off": off})

    async def start(self) -> None:
        """The first reading (awaited, bounded), then the timer."""
        await self.refresh()
        if self._interval > 0 and self._sources:
            self._task = asyncio.create_task(self._loop(), name="capability-watch")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.refresh()
            except Exception:  # never let the timer die; the next round tries again
                _log.exception("capability refresh failed")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
