"""One pipeline for every patient action: the same guards, idempotency, audit and answer for all six.

An action (`WriteAction`) declares only what is its own: how its input is cleaned and its ids
decoded (`clean`, before any source is asked), which inputs the idempotency key covers
(`inputs`), and its rule check and upstream call (`run`). `perform` does the rest, in order:

1. only patients write (FORBIDDEN otherwise, audited as denied without a patient);
2. the write port must be configured (SOURCE_UNAVAILABLE otherwise: nothing is attempted), and
   the feature the action needs on offer now (NOT_SUPPORTED otherwise: nothing is attempted);
3. `clean` and the idempotency key's shape (userErrors, audited as denied for the patient);
4. at most once per idempotency key (a retry replays the first answer, asking no source), the
   action's quota is taken (bookings per day: RATE_LIMITED, nothing asked of any source), the
   caller's own record is opened (access check and audit) and `run` writes;
5. the outcome is audited, reads after a write see the sources afresh, and the answer is typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from sources.calls.deadline import deadline_at
from sources.capabilities import Feature
from sources.errors import SourceError
from sources.records import Record, RecordKind
from sources.writes import NotSupported, PatientWrites, WriteRefused

from ..context import RequestContext
from ..errors import Forbidden, RateLimited
from ..ids import GlobalId
from ..nodes import owner_of
from ..patients import PatientHandle, RecordUnreachable, open_patient
from ..principal import Role
from . import codec
from .idempotency import bad_key, request_key, run_idempotent
from .results import ActionResult, UserErrorRecord

__all__ = ["Answer", "Refused", "WriteAction", "WriteCall", "perform"]

Raw = TypeVar("Raw")  # the input as the client sent it
Clean = TypeVar("Clean")  # the input once checked: ids decoded, text trimmed
Result = TypeVar("Result")  # a frozen dataclass of records: what the action answers

_NO_RECORD = "No record was found for you; nothing was written."
_NO_WRITES = "Changes cannot be made right now; nothing was written."


class Refused(Exception):
    """A business rule or the input said no: these userErrors, nothing written."""

    def __init__(self, *errors: UserErrorRecord) -> None:
        self.errors = errors
        super().__init__(", ".join(e.code for e in errors))

    @classmethod
    def one(cls, code: str, message: str, field: tuple[str, ...] | None = None) -> Refused:
        return cls(UserErrorRecord(code, message, field))


@dataclass(frozen=True)
class WriteCall:
    """What an action's `run` works with: the request, the caller's opened record, the write port,
    and the key its upstream writes carry (so a rerun finds what a lost attempt wrote)."""

    ctx: RequestContext
    patient: PatientHandle
    writes: PatientWrites
    request_key: str

    async def own(self, kind: RecordKind, gid: GlobalId) -> Record | None:
        """The record `gid` names if it is in the caller's own record, else None (another
        patient's record is "not found", never revealed). A source that failed raises."""
        source, services = gid.record_source, self.ctx.services
        failed = self.patient.links.get(source)
        if isinstance(failed, SourceError):
            raise failed  # not linked now is not "not yours": the source could not be asked
        link = self.patient.link(source)
        if link is None or source not in services.sources or kind not in services.sources[source].provides:
            return None
        record = await self.ctx.loaders.get(source, kind, gid.source_id)
        owner = getattr(record, "patient_id", None)
        return record if owner in {ref.patient_id for ref in link.refs} else None


@dataclass(frozen=True)
class Answer(Generic[Result]):
    """What every patient action answers: whose record, the result (None when refused), userErrors."""

    dod_id: str
    value: Result | None = None
    user_errors: tuple[UserErrorRecord, ...] = ()


@dataclass(frozen=True)
class WriteAction(Generic[Raw, Clean, Result]):
    """One patient action; subclasses set the class attributes and write `clean`, `inputs`, `run`."""

    operation: ClassVar[str]  # the mutation's name: scopes idempotency keys, names the audit
    audit_action: ClassVar[str]  # create / update
    kind: ClassVar[RecordKind]  # the record kind audited
    result: ClassVar[type[Any]]  # the Result dataclass (stored as JSON for replays)
    not_patient: ClassVar[str]  # why clinicians and analysts are refused
    also_audits: ClassVar[tuple[tuple[str, str], ...]] = ()  # (action, kind) touched on success
    quota: ClassVar[str | None] = None  # a per-patient quota each new run takes one of
    key_field: tuple[str, ...] = field(default=("input", "idempotencyKey"))

    def clean(self, raw: Raw, ctx: RequestContext) -> Clean:
        """The checked input; raise Refused (every problem at once) before any source is asked."""
        raise NotImplementedError

    def inputs(self, clean: Clean) -> Mapping[str, Any]:
        """What a reused idempotency key must match (canonical JSON is hashed)."""
        raise NotImplementedError

    async def run(self, call: WriteCall, clean: Clean) -> Result:
        """Check the rules against the record and write; raise Refused or WriteRefused to say no."""
        raise NotImplementedError

    def needs(self, raw: Raw) -> Feature:
        """The feature this input uses (it must be on offer where writes go)."""
        raise NotImplementedError

    def targets(self, raw: Raw) -> tuple[str, ...]:
        """The ids of patients' records the input names (whose owners a refused attempt is audited on)."""
        return ()

    def refusal(self, refused: WriteRefused) -> UserErrorRecord:
        """The userError for an upstream refusal (actions name their fields and messages)."""
        return UserErrorRecord(refused.reason_code, "The request was refused; nothing was changed.")


async def perform(ctx: RequestContext, action: WriteAction[Raw, Clean, Result], raw: Raw, key: str) -> Answer[Result]:
    """Run `action` for the signed-in patient; see the module docstring for the steps."""
    if ctx.principal.role is not Role.PATIENT:
        await _audit_targets(ctx, action, raw)
        return _refused(ctx, action, None, UserErrorRecord("FORBIDDEN", action.not_patient))
    dod_id = ctx.principal.subject
    writes = ctx.services.writes
    if writes is None:
        return _refused(ctx, action, dod_id, UserErrorRecord("SOURCE_UNAVAILABLE", _NO_WRITES))
    missing = ctx.services.capabilities.reason(action.needs(raw), writes.source)
    if missing is not None:
        message = f"Not supported here: {missing}. Nothing was written."
        return _refused(ctx, action, dod_id, UserErrorRecord("NOT_SUPPORTED", message))
    try:
        clean = action.clean(raw, ctx)
    except Refused as refused:
        return _refused(ctx, action, dod_id, *refused.errors)
    problem = bad_key(key, action.key_field)
    if problem is not None:
        return _refused(ctx, action, dod_id, problem)
    rkey = request_key(ctx, action.operation, key)
    try:
        stored = await run_idempotent(
            ctx, action.operation, key, action.inputs(clean), lambda: _run(action, ctx, writes, rkey, clean)
        )
    except Forbidden:  # no record of the caller: the key was released, nothing was written
        return _refused(ctx, action, dod_id, UserErrorRecord("FORBIDDEN", _NO_RECORD))
    except RecordUnreachable as unreachable:  # the caller's record could not be reached: retry later
        failed: Answer[Result] = Answer(dod_id, user_errors=(UserErrorRecord("SOURCE_UNAVAILABLE", str(unreachable)),))
        return _audited(ctx, action, dod_id, failed, outcome="error")
    except RateLimited:  # over the quota: the key was released, nothing was asked or written
        _audited(ctx, action, dod_id, Answer(dod_id), outcome="denied")
        raise
    answer: Answer[Result] = Answer(dod_id, user_errors=stored.user_errors)
    if "NOT_FOUND" in stored.codes:  # perhaps someone else's record: say whose was targeted
        await _audit_targets(ctx, action, raw)
    if not stored.user_errors:
        ctx.refresh_loaders()
        answer = Answer(dod_id, codec.load(action.result, dict(stored.data)))
    return _audited(ctx, action, dod_id, answer, outcome=stored.outcome, source=writes.source)


async def _run(
    action: WriteAction[Any, Clean, Any], ctx: RequestContext, writes: PatientWrites, rkey: str, clean: Clean
) -> ActionResult:
    """Open the caller's record (access check and audit; a replay never gets here), then run the
    action under the request's deadline, as a storable outcome (refusals included)."""
    await _take_quota(ctx, action)
    patient = await open_patient(ctx, ctx.principal.subject, (action.operation,))
    call = WriteCall(ctx, patient, writes, rkey)
    try:
        with deadline_at(ctx.deadline):
            value = await action.run(call, clean)
    except Refused as refused:
        return ActionResult(user_errors=refused.errors)
    except NotSupported as missing:  # the upstream stopped offering it since it was last read
        message = f"Not supported here: {missing.detail}. Nothing was written."
        return ActionResult(user_errors=(UserErrorRecord("NOT_SUPPORTED", message),))
    except WriteRefused as refused:
        return ActionResult(user_errors=(action.refusal(refused),))
    return ActionResult(data=codec.dump(value))


async def _take_quota(ctx: RequestContext, action: WriteAction[Any, Any, Any]) -> None:
    """One use of the action's quota by the caller, or RateLimited before anything is asked."""
    quotas = ctx.services.quotas
    if action.quota is None or quotas is None:
        return
    wait = await quotas.take(action.quota, ctx.principal.subject)
    if wait is not None:
        raise RateLimited(f"{action.quota} per patient per day", wait)


async def _audit_targets(ctx: RequestContext, action: WriteAction[Raw, Any, Any], raw: Raw) -> None:
    """A refused attempt on another patient's records is audited on that patient too."""
    for target in action.targets(raw):
        owner = await owner_of(ctx, target)
        if owner is not None and owner != ctx.principal.subject:
            ctx.audit.touch(owner, action=action.audit_action, outcome="denied", kind=action.kind.value)


def _refused(
    ctx: RequestContext, action: WriteAction[Any, Any, Result], dod_id: str | None, *errors: UserErrorRecord
) -> Answer[Result]:
    return _audited(ctx, action, dod_id, Answer(dod_id or "", user_errors=errors))


def _audited(
    ctx: RequestContext,
    action: WriteAction[Any, Any, Result],
    dod_id: str | None,
    answer: Answer[Result],
    *,
    outcome: str | None = None,
    source: str | None = None,
) -> Answer[Result]:
    """Record the attempt on the patient's record (the refused ones too), then answer."""
    if outcome is None:
        outcome = "denied" if answer.user_errors else "allowed"
    target = source or (ctx.services.writes.source if ctx.services.writes else None)
    ctx.audit.touch(dod_id, action=action.audit_action, outcome=outcome, kind=action.kind.value, source=target)
    if answer.value is not None:
        for verb, kind in action.also_audits:
            ctx.audit.touch(dod_id, action=verb, kind=kind, source=target)
    return answer
