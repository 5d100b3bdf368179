"""Provider-approved health topics, looked up in one batch per request."""

from __future__ import annotations

from collections.abc import Sequence

from sources.records import Coding, HealthTopicRecord

from .context import RequestContext
from .ports import StoreError

__all__ = ["search_topics", "topics_for"]


async def topics_for(
    ctx: RequestContext, codes: Sequence[Coding], path: tuple[str | int, ...]
) -> list[HealthTopicRecord]:
    """Topics linked to any of `codes` (a condition's, lab's or medication's codings); when the
    library cannot answer, none, and the answer's `errors` say so at `path` (the record is kept)."""
    try:
        return await ctx.loaders.topics(tuple(codes))
    except StoreError:
        ctx.outcomes.service_failed(StoreError.code, path,
                                    "The health library could not answer; linked topics are left out.")
        return []


async def search_topics(
    ctx: RequestContext, text: str | None, system: str | None, code: str | None
) -> list[HealthTopicRecord]:
    """Topics by free text or by a coded concept."""
    if ctx.services.topics is None:
        return []
    return await ctx.services.topics.search(text, system, code)
