"""Secure message threads and their messages."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.messages import thread_messages
from sources import records as r
from sources.capabilities import Feature

from ..context import Info, path_of, selects
from .common import MessageFolder, Node, PageInfo, Provenance, global_id

__all__ = [
    "MessageThread",
    "MessageThreadConnection",
    "MessageThreadEdge",
    "SecureMessage",
    "SecureMessageConnection",
    "SecureMessageEdge",
]


@strawberry.type(description="One secure message.")
class SecureMessage(Node):
    sent_at: dt.datetime
    sender: str = strawberry.field(description="Display name of the sender.")
    from_patient: bool
    body: str

    @classmethod
    def of(cls, m: r.MessageRecord) -> SecureMessage:
        return cls(
            id=global_id("SecureMessage", m.provenance.source, m.provenance.source_id),
            sent_at=m.sent_at,
            sender=m.sender,
            from_patient=m.from_patient,
            body=m.body,
        )


@strawberry.type
class SecureMessageEdge:
    cursor: str
    node: SecureMessage


@strawberry.type(description="A page of messages, newest first.")
class SecureMessageConnection:
    edges: list[SecureMessageEdge]
    page_info: PageInfo
    total_count: int | None


@strawberry.type(description="A conversation with the care team.")
class MessageThread(Node):
    provenance: Provenance
    subject: str
    folder: MessageFolder  # type: ignore[valid-type]
    last_message_at: dt.datetime
    _record: strawberry.Private[r.MessageThreadRecord]
    _dod_id: strawberry.Private[str]

    @strawberry.field(description="TOL archive threads are read-only: only threads where writes go take replies.")
    def can_reply(self, info: Info) -> bool:
        return info.context.services.writable(self._record.provenance.source, Feature.REPLY_TO_MESSAGE)

    @strawberry.field(description="The thread's messages, newest first.")
    async def messages(self, info: Info, first: int | None = 50, after: str | None = None) -> SecureMessageConnection:
        page = await thread_messages(
            info.context,
            self._dod_id,
            self._record,
            first=50 if first is None else first,
            after=after,
            want_total=selects(info, "totalCount"),
            path=path_of(info),
        )
        return SecureMessageConnection(
            edges=[SecureMessageEdge(cursor=c, node=SecureMessage.of(m)) for c, m in page.edges],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )

    @classmethod
    def of(cls, t: r.MessageThreadRecord, dod_id: str) -> MessageThread:
        src = t.provenance.source
        return cls(
            id=global_id("MessageThread", src, t.provenance.source_id),
            provenance=Provenance.of(t.provenance),
            subject=t.subject,
            folder=t.folder,
            last_message_at=t.last_message_at,
            _record=t,
            _dod_id=dod_id,
        )


@strawberry.type
class MessageThreadEdge:
    cursor: str
    node: MessageThread


@strawberry.type(description="A page of message threads, newest first.")
class MessageThreadConnection:
    edges: list[MessageThreadEdge]
    page_info: PageInfo
    total_count: int | None
