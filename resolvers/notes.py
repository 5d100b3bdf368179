"""A note's text, read from its Binary only when a query asks for `text` (batched per request)."""

from __future__ import annotations

from sources.errors import SourceError
from sources.records import NoteContent, RecordSource

from .context import RequestContext
from .principal import Role

__all__ = ["note_text"]


async def note_text(
    ctx: RequestContext,
    source: RecordSource,
    text: str,
    content: NoteContent | None,
    path: tuple[str | int, ...],
) -> str:
    """The note's plain text: what the source gave inline, else its Binary's words (XHTML
    sanitized by the source). A Binary that cannot be read leaves the text empty and reports the
    source as failed for the patient (`sourceCoverage`, a SOURCE_UNAVAILABLE error); analysts get
    no free text, so nothing is read for them."""
    if text or content is None or content.is_document or ctx.principal.role is Role.ANALYST:
        return text
    try:
        return await ctx.loaders.note_text(source, content)
    except SourceError as error:
        dod_id = ctx.roots.get(path[0]) if path else None
        if dod_id is not None:
            ctx.outcomes.failed(dod_id, error, path)
        return ""
