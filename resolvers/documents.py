"""Note documents: the PDF a download names, let out only after the note's own access check.

A download is a read of the note: the note is fetched and its owner opened exactly as
`node(id:)` does (`resolvers/nodes.py`: the patient's own record, a clinician's care team or
break-glass reason, audited either way). Everything that is not a document the caller may
download (an id that is not a note's, a note that does not exist, someone else's note, a note
without a document) answers one DocumentNotFound, so the answer tells nobody what exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sources.base import NoteDocuments
from sources.records import NoteContent, NoteRecord, RecordSource

from .context import RequestContext
from .errors import BadUserInput, DocumentNotFound, Forbidden
from .ids import decode_id
from .nodes import fetch_node
from .patients import deny
from .principal import Role

__all__ = ["DOCUMENT_PATH", "NoteDocument", "document_path", "note_document"]

DOCUMENT_PATH = "/documents/"


def document_path(note_id: str) -> str:
    """The gateway path a note's document is downloaded from (the note's opaque id in it)."""
    return DOCUMENT_PATH + note_id


@dataclass(frozen=True)
class NoteDocument:
    """A document the caller may download: where it lives and the source that serves it."""

    source: RecordSource
    content: NoteContent
    server: NoteDocuments


async def note_document(ctx: RequestContext, note_id: str) -> NoteDocument:
    """The document of note `note_id` if the caller may read that note; else DocumentNotFound
    (the refusal audited as `node(id:)` audits it). Analysts never download documents."""
    if ctx.principal.role is Role.ANALYST:
        deny(ctx, None)
    try:
        decode_id(note_id, expect="ClinicalNote")
        found = await fetch_node(ctx, note_id, ())
    except (BadUserInput, Forbidden):
        raise DocumentNotFound() from None
    record = found.record if found is not None else None
    content = record.content if isinstance(record, NoteRecord) else None
    server = ctx.services.sources.get(found.source) if found is not None and found.source else None
    if content is None or not content.is_document or not isinstance(server, NoteDocuments) or found is None:
        raise DocumentNotFound()
    assert found.source is not None
    return NoteDocument(found.source, content, server)
