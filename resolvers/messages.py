"""Messages of one thread, paged newest first from the thread's own source."""

from __future__ import annotations

from sources.base import Filters
from sources.records import MessageThreadRecord, RecordKind

from .context import RequestContext
from .lists import RecordList, record_list
from .patients import opened

__all__ = ["thread_messages"]


async def thread_messages(
    ctx: RequestContext,
    dod_id: str,
    thread: MessageThreadRecord,
    *,
    first: int,
    after: str | None,
    want_total: bool,
    path: tuple[str | int, ...],
) -> RecordList:
    """A page of one thread's messages."""
    handle = await opened(ctx, dod_id, path)
    source = thread.provenance.source
    link = handle.link(source)
    if link is None:
        return RecordList([], False, None, 0 if want_total else None)
    return await record_list(
        ctx,
        handle,
        RecordKind.MESSAGE,
        first=first,
        after=after,
        filters=Filters(thread_id=thread.provenance.source_id),
        want_total=want_total,
        path=path,
        only=source,
    )
