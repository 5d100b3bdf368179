"""sendSecureMessage: a reply in the patient's GENESIS thread, or a new thread to their care team."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sources.calls.deadline import deadline_at
from sources.errors import SourceError, SourceUnavailable
from sources.genesis.writes import GenesisWriter, WriteRefused
from sources.genesis.writes.messages import NewThread, Reply, reply, start_thread
from sources.records import CareTeamRecord, MessageRecord, MessageThreadRecord, RecordKind, RecordSource

from ..context import RequestContext
from ..ids import GlobalId
from ..loaders import Loaders
from ..patients import PatientHandle, open_patient
from ..principal import Role
from .actor import acting_patient
from .codec import dump, load
from .idempotency import request_key, run_idempotent
from .inputs import input_id
from .results import ActionResult, UserErrorRecord

__all__ = ["MAX_BODY", "MAX_SUBJECT", "OPERATION", "MessageAnswer", "send_secure_message"]

OPERATION = "sendSecureMessage"
MAX_BODY = 10_000
MAX_SUBJECT = 200
_KIND = RecordKind.MESSAGE.value
_GENESIS = RecordSource.GENESIS
_NOT_PATIENT = "Only the patient can send messages from their record; nothing was written."


@dataclass(frozen=True, slots=True)
class MessageAnswer:
    """The mutation's answer: the thread and the message sent, or why nothing was written."""

    dod_id: str
    thread: MessageThreadRecord | None = None
    message: MessageRecord | None = None
    user_errors: tuple[UserErrorRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class _Target:
    """Where the message goes: a thread (reply) or a care team (new thread)."""

    thread: GlobalId | None
    care_team: GlobalId | None


def input_problems(
    thread_id: str | None, care_team_id: str | None, subject: str | None, body: str
) -> list[UserErrorRecord]:
    """What is wrong with the input itself, before any source is asked (all at once)."""
    out: list[UserErrorRecord] = []
    if (thread_id is None) == (care_team_id is None):
        message = "Give threadId to reply, or careTeamId to start a new thread (one of the two)."
        out.append(UserErrorRecord("INVALID_TARGET", message, ("input",)))
    if not body.strip():
        out.append(UserErrorRecord("EMPTY_BODY", "The message is empty.", ("input", "body")))
    elif len(body) > MAX_BODY:
        message = f"A message may be at most {MAX_BODY:,} characters."
        out.append(UserErrorRecord("BODY_TOO_LONG", message, ("input", "body")))
    if care_team_id is not None and thread_id is None:
        if subject is None or not subject.strip():
            out.append(UserErrorRecord("SUBJECT_REQUIRED", "A new thread needs a subject.", ("input", "subject")))
        elif len(subject) > MAX_SUBJECT:
            message = f"A subject may be at most {MAX_SUBJECT} characters."
            out.append(UserErrorRecord("SUBJECT_TOO_LONG", message, ("input", "subject")))
    return out


async def send_secure_message(
    ctx: RequestContext,
    *,
    thread_id: str | None,
    care_team_id: str | None,
    subject: str | None,
    body: str,
    key: str,
    path: tuple[str | int, ...],
) -> MessageAnswer:
    """Write the message to GENESIS once per key; refusals write nothing."""
    if ctx.principal.role is not Role.PATIENT:
        refused = ActionResult.refused("FORBIDDEN", _NOT_PATIENT)
        ctx.audit.touch(acting_patient(ctx), action="create", outcome="denied", kind=_KIND, source=_GENESIS.value)
        return MessageAnswer("", user_errors=refused.user_errors)
    dod_id = ctx.principal.subject
    problems = input_problems(thread_id, care_team_id, subject, body)
    thread = input_id(thread_id, "MessageThread", ("input", "threadId")) if thread_id is not None else None
    team = input_id(care_team_id, "CareTeam", ("input", "careTeamId")) if care_team_id is not None else None
    bad = [x for x in (thread, team) if isinstance(x, ActionResult)]
    if bad:
        ctx.audit.touch(dod_id, action="create", outcome="denied", kind=_KIND, source=_GENESIS.value)
        return MessageAnswer(dod_id, user_errors=tuple(e for b in bad for e in b.user_errors))
    assert not isinstance(thread, ActionResult) and not isinstance(team, ActionResult)
    target = _Target(thread, team)
    handle = await open_patient(ctx, dod_id, path)
    if problems:
        result = ActionResult(user_errors=tuple(problems))
    else:
        inputs = {"threadId": thread_id, "careTeamId": care_team_id, "subject": subject, "body": body}
        result = await run_idempotent(
            ctx, OPERATION, key, inputs, lambda: _send(ctx, handle, target, subject, body, key)
        )
    ctx.audit.touch(dod_id, action="create", outcome=result.outcome, kind=_KIND, source=_GENESIS.value)
    if result.user_errors:
        return MessageAnswer(dod_id, user_errors=result.user_errors)
    return _answer(ctx, dod_id, result.data)


def _not_found(what: str, field: Sequence[str]) -> ActionResult:
    return ActionResult.refused("NOT_FOUND", f"No such {what} in your record.", field)


async def _own(ctx: RequestContext, handle: PatientHandle, kind: RecordKind, gid: GlobalId) -> object | None:
    """The record `gid` names if it belongs to the patient, else None."""
    source = gid.record_source
    failed = handle.links.get(source)
    if isinstance(failed, SourceError):
        raise failed  # not linked now is not "not yours": the source could not be asked
    link = handle.link(source)
    if link is None or source not in ctx.services.sources or kind not in ctx.services.sources[source].provides:
        return None
    record = await ctx.loaders.get(source, kind, gid.source_id)
    owner = getattr(record, "patient_id", None)
    return record if owner in {ref.patient_id for ref in link.refs} else None


async def _send(
    ctx: RequestContext, handle: PatientHandle, target: _Target, subject: str | None, body: str, key: str
) -> ActionResult:
    writer = ctx.services.writer
    if not isinstance(writer, GenesisWriter):
        raise SourceUnavailable(_GENESIS, "GENESIS writes are not configured")
    now = writer.now()
    rkey = request_key(ctx, OPERATION, key)
    if target.thread is not None:
        field = ("input", "threadId")
        thread = await _own(ctx, handle, RecordKind.MESSAGE_THREAD, target.thread)
        if not isinstance(thread, MessageThreadRecord):
            return _not_found("thread", field)
        if thread.provenance.source is not _GENESIS:
            return ActionResult.refused("THREAD_ARCHIVED", "Archived threads are read-only; start a new thread.", field)
        try:
            with deadline_at(ctx.deadline):
                sent = await reply(writer, Reply(rkey, thread.patient_id, thread.provenance.source_id, body, now))
        except WriteRefused:
            return _not_found("thread", field)
    else:
        assert target.care_team is not None
        field = ("input", "careTeamId")
        team = await _own(ctx, handle, RecordKind.CARE_TEAM, target.care_team)
        if not isinstance(team, CareTeamRecord) or team.provenance.source is not _GENESIS:
            return _not_found("care team", field)
        demographics = handle.demographics
        new = NewThread(
            request_key=rkey,
            patient_id=team.patient_id,
            patient_display=demographics.name.text if demographics else None,
            care_team_id=team.provenance.source_id,
            care_team_name=team.name or None,
            subject=(subject or "").strip(),
            body=body,
            sent_at=now,
        )
        with deadline_at(ctx.deadline):
            sent = await start_thread(writer, new)
    return ActionResult.ok(thread=dump(sent.thread), message=dump(sent.message))


def _answer(ctx: RequestContext, dod_id: str, data: Mapping[str, Any]) -> MessageAnswer:
    """The (first) result as records; reads after the write see GENESIS afresh."""
    ctx.loaders = Loaders(ctx.services.sources, ctx.deadline, ctx.services.settings.source_timeout)
    return MessageAnswer(dod_id, load(MessageThreadRecord, data["thread"]), load(MessageRecord, data["message"]))
