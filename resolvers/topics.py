"""Provider-approved health topics, looked up in one batch per request."""

from __future__ import annotations

from collections.abc import Sequence

from aiodataloader import DataLoader

from sources.records import Coding, HealthTopicRecord

from .context import RequestContext

__all__ = ["search_topics", "topics_for"]

_KEY = "topics_loader"


def _loader(ctx: RequestContext) -> DataLoader[tuple[Coding, ...], list[HealthTopicRecord]]:
    loader: DataLoader[tuple[Coding, ...], list[HealthTopicRecord]] | None = ctx.extras.get(_KEY)
    if loader is None:
        store = ctx.services.topics
        assert store is not None  # topics_for checks first

        async def load(keys: list[tuple[Coding, ...]]) -> list[list[HealthTopicRecord]]:
            found: Sequence[Sequence[HealthTopicRecord]] = await store.for_codes(keys)
            return [list(x) for x in found]

        loader = DataLoader(load)
        ctx.extras[_KEY] = loader
    return loader


async def topics_for(ctx: RequestContext, codes: Sequence[Coding]) -> list[HealthTopicRecord]:
    """Topics linked to any of `codes` (a condition's, lab's or medication's codings)."""
    if ctx.services.topics is None or not codes:
        return []
    result: list[HealthTopicRecord] = await _loader(ctx).load(tuple(codes))
    return result


async def search_topics(
    ctx: RequestContext, text: str | None, system: str | None, code: str | None
) -> list[HealthTopicRecord]:
    """Topics by free text or by a coded concept."""
    if ctx.services.topics is None:
        return []
    found: list[HealthTopicRecord] = await ctx.services.topics.search(text, system, code)
    return found
