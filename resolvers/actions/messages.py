"""sendSecureMessage: a reply in the patient's own thread, or a new thread to their care team."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sources.capabilities import Feature
from sources.records import CareTeamRecord, MessageThreadRecord, RecordKind
from sources.writes import NewThread, NotSupported, Reply, Sent, WriteRefused

from ..context import RequestContext
from ..demographics import demographics_of
from ..ids import GlobalId
from .inputs import input_id
from .pipeline import Refused, WriteAction, WriteCall
from .results import UserErrorRecord

__all__ = ["MAX_BODY", "MAX_SUBJECT", "MESSAGE", "MessageInput"]

MAX_BODY = 10_000
MAX_SUBJECT = 200
_THREAD_FIELD = ("input", "threadId")
_TEAM_FIELD = ("input", "careTeamId")


@dataclass(frozen=True, slots=True)
class MessageInput:
    thread_id: str | None
    care_team_id: str | None
    subject: str | None
    body: str


@dataclass(frozen=True, slots=True)
class _Clean:
    thread: GlobalId | None
    care_team: GlobalId | None
    sent: MessageInput


def _problems(raw: MessageInput) -> list[UserErrorRecord]:
    """What is wrong with the input itself (all at once)."""
    out: list[UserErrorRecord] = []
    if (raw.thread_id is None) == (raw.care_team_id is None):
        message = "Give threadId to reply, or careTeamId to start a new thread (one of the two)."
        out.append(UserErrorRecord("INVALID_TARGET", message, ("input",)))
    if not raw.body.strip():
        out.append(UserErrorRecord("EMPTY_BODY", "The message is empty.", ("input", "body")))
    elif len(raw.body) > MAX_BODY:
        message = f"A message may be at most {MAX_BODY:,} characters."
        out.append(UserErrorRecord("BODY_TOO_LONG", message, ("input", "body")))
    if raw.care_team_id is not None and raw.thread_id is None:
        if raw.subject is None or not raw.subject.strip():
            out.append(UserErrorRecord("SUBJECT_REQUIRED", "A new thread needs a subject.", ("input", "subject")))
        elif len(raw.subject) > MAX_SUBJECT:
            message = f"A subject may be at most {MAX_SUBJECT} characters."
            out.append(UserErrorRecord("SUBJECT_TOO_LONG", message, ("input", "subject")))
    return out


def _not_found(what: str, field: tuple[str, ...]) -> Refused:
    return Refused.one("NOT_FOUND", f"No such {what} in your record.", field)


@dataclass(frozen=True)
class SendMessage(WriteAction[MessageInput, _Clean, Sent]):
    """Write the message once per key; refusals write nothing."""

    operation: ClassVar[str] = "sendSecureMessage"
    audit_action: ClassVar[str] = "create"
    kind: ClassVar[RecordKind] = RecordKind.MESSAGE
    result: ClassVar[type[Any]] = Sent
    not_patient: ClassVar[str] = "Only the patient can send messages from their record; nothing was written."

    def needs(self, raw: MessageInput) -> Feature:
        return Feature.REPLY_TO_MESSAGE if raw.thread_id is not None else Feature.SEND_MESSAGE

    def clean(self, raw: MessageInput, ctx: RequestContext) -> _Clean:
        ids: list[GlobalId | None] = []
        errors: list[UserErrorRecord] = []
        for value, expect, field in ((raw.thread_id, "MessageThread", _THREAD_FIELD),
                                     (raw.care_team_id, "CareTeam", _TEAM_FIELD)):
            try:
                ids.append(None if value is None else input_id(value, expect, field))
            except Refused as refused:
                errors += refused.errors
                ids.append(None)
        errors = errors or _problems(raw)
        if errors:
            raise Refused(*errors)
        return _Clean(ids[0], ids[1], raw)

    def targets(self, raw: MessageInput) -> tuple[str, ...]:
        return tuple(i for i in (raw.thread_id, raw.care_team_id) if i)

    def inputs(self, clean: _Clean) -> Mapping[str, Any]:
        raw = clean.sent
        return {"threadId": raw.thread_id, "careTeamId": raw.care_team_id, "subject": raw.subject, "body": raw.body}

    async def run(self, call: WriteCall, clean: _Clean) -> Sent:
        if clean.thread is not None:
            return await self._reply(call, clean.thread, clean.sent.body)
        assert clean.care_team is not None
        return await self._start(call, clean.care_team, clean.sent)

    async def _reply(self, call: WriteCall, gid: GlobalId, body: str) -> Sent:
        thread = await call.own(RecordKind.MESSAGE_THREAD, gid)
        if not isinstance(thread, MessageThreadRecord):
            raise _not_found("thread", _THREAD_FIELD)
        if not call.ctx.services.writable(thread.provenance.source, Feature.REPLY_TO_MESSAGE):
            raise Refused.one("THREAD_ARCHIVED", "Archived threads are read-only; start a new thread.", _THREAD_FIELD)
        reply = Reply(call.request_key, thread.patient_id, thread.provenance.source_id, body, call.writes.now())
        try:
            return await call.writes.reply(reply)
        except NotSupported:
            raise
        except WriteRefused:
            raise _not_found("thread", _THREAD_FIELD) from None

    async def _start(self, call: WriteCall, gid: GlobalId, raw: MessageInput) -> Sent:
        team = await call.own(RecordKind.CARE_TEAM, gid)
        writable = call.ctx.services.writable(team.provenance.source, Feature.SEND_MESSAGE) if team else False
        if not isinstance(team, CareTeamRecord) or not writable:
            raise _not_found("care team", _TEAM_FIELD)
        demographics = await demographics_of(call.ctx, call.patient, ())
        new = NewThread(
            request_key=call.request_key,
            patient_id=team.patient_id,
            patient_display=demographics.name.text if demographics else None,
            care_team_id=team.provenance.source_id,
            care_team_name=team.name or None,
            subject=(raw.subject or "").strip(),
            body=raw.body,
            sent_at=call.writes.now(),
        )
        return await call.writes.start_thread(new)


MESSAGE = SendMessage()
