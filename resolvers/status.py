"""Reachability of each source, for status pages."""

from __future__ import annotations

import asyncio
import time

from sources.errors import SourceError, SourceTimeout
from sources.records import RecordSource

from .context import RequestContext

__all__ = ["source_health"]


async def source_health(ctx: RequestContext) -> list[tuple[RecordSource, str, float | None]]:
    """(source, state, latency in ms) for every registered source, probed concurrently."""

    async def probe(name: RecordSource) -> tuple[RecordSource, str, float | None]:
        began = time.perf_counter()
        try:
            async with asyncio.timeout_at(ctx.deadline):
                await ctx.services.sources[name].check()
        except (SourceTimeout, TimeoutError):
            return name, "TIMED_OUT", None
        except SourceError:
            return name, "UNAVAILABLE", None
        return name, "OK", round((time.perf_counter() - began) * 1000, 1)

    names = ctx.services.ranked()
    return list(await asyncio.gather(*(probe(n) for n in names)))
