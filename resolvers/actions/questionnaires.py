"""submitQuestionnaireResponse: validated answers to the patient's own pending assignment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sources.calls.deadline import deadline_at
from sources.errors import SourceError, SourceUnavailable
from sources.genesis.writes import GenesisWriter, WriteRefused
from sources.genesis.writes.questionnaires import Submission, submit_response
from sources.records import QuestionnaireAssignmentRecord, QuestionnaireRecord, RecordKind, RecordSource

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
from .validation import AnswerInput, validate_answers

__all__ = ["OPERATION", "QuestionnaireAnswer", "submit_questionnaire_response"]

OPERATION = "submitQuestionnaireResponse"
_GENESIS = RecordSource.GENESIS
_FIELD = ("input", "assignmentId")
_NOT_PATIENT = "Only the patient can answer their questionnaires; nothing was written."
_DONE = "This questionnaire was already completed."


@dataclass(frozen=True, slots=True)
class QuestionnaireAnswer:
    """The mutation's answer: the completed assignment, or why nothing was written."""

    dod_id: str
    assignment: QuestionnaireAssignmentRecord | None = None
    user_errors: tuple[UserErrorRecord, ...] = ()


def _inputs(assignment_id: str, answers: Sequence[AnswerInput]) -> dict[str, object]:
    values = [{"linkId": a.link_id, **{k: str(v) for k, v in a.values().items()}} for a in answers]
    return {"assignmentId": assignment_id, "answers": values}


async def submit_questionnaire_response(
    ctx: RequestContext,
    *,
    assignment_id: str,
    answers: Sequence[AnswerInput],
    key: str,
    path: tuple[str | int, ...],
) -> QuestionnaireAnswer:
    """Write a completed QuestionnaireResponse and complete the assignment Task (once per key)."""
    if ctx.principal.role is not Role.PATIENT:
        refused = ActionResult.refused("FORBIDDEN", _NOT_PATIENT)
        kind = RecordKind.QUESTIONNAIRE_ASSIGNMENT.value
        ctx.audit.touch(acting_patient(ctx), action="update", outcome="denied", kind=kind, source=_GENESIS.value)
        return QuestionnaireAnswer("", user_errors=refused.user_errors)
    dod_id = ctx.principal.subject
    gid = input_id(assignment_id, "QuestionnaireAssignment", ("input", "assignmentId"))
    if isinstance(gid, ActionResult):
        kind = RecordKind.QUESTIONNAIRE_ASSIGNMENT.value
        ctx.audit.touch(dod_id, action="update", outcome="denied", kind=kind, source=_GENESIS.value)
        return QuestionnaireAnswer(dod_id, user_errors=gid.user_errors)
    handle = await open_patient(ctx, dod_id, path)
    inputs = _inputs(assignment_id, answers)
    result = await run_idempotent(ctx, OPERATION, key, inputs, lambda: _submit(ctx, handle, gid, answers, key))
    ctx.audit.touch(
        dod_id,
        action="update",
        outcome=result.outcome,
        kind=RecordKind.QUESTIONNAIRE_ASSIGNMENT.value,
        source=_GENESIS.value,
    )
    if result.user_errors:
        return QuestionnaireAnswer(dod_id, user_errors=result.user_errors)
    ctx.audit.touch(dod_id, action="create", kind="questionnaire_response", source=_GENESIS.value)
    return _answer(ctx, dod_id, result.data)


async def _own_assignment(
    ctx: RequestContext, handle: PatientHandle, gid: GlobalId
) -> QuestionnaireAssignmentRecord | None:
    failed = handle.links.get(gid.record_source)
    if isinstance(failed, SourceError):
        raise failed  # not linked now is not "not yours": the source could not be asked
    link = handle.link(gid.record_source)
    if gid.record_source is not _GENESIS or link is None or _GENESIS not in ctx.services.sources:
        return None
    found = await ctx.loaders.get(_GENESIS, RecordKind.QUESTIONNAIRE_ASSIGNMENT, gid.source_id)
    mine = {ref.patient_id for ref in link.refs}
    return found if isinstance(found, QuestionnaireAssignmentRecord) and found.patient_id in mine else None


async def _submit(
    ctx: RequestContext, handle: PatientHandle, gid: GlobalId, answers: Sequence[AnswerInput], key: str
) -> ActionResult:
    assignment = await _own_assignment(ctx, handle, gid)
    if assignment is None:
        return ActionResult.refused("NOT_FOUND", "No such questionnaire assignment in your record.", _FIELD)
    # A completed assignment goes on to the writer: if this request completed it (GENESIS committed,
    # its answer was lost) the retry finishes there; completed by another, the writer refuses it.
    completed = assignment.completed_at is not None
    form = await ctx.loaders.get(_GENESIS, RecordKind.QUESTIONNAIRE, assignment.questionnaire_id)
    if not isinstance(form, QuestionnaireRecord):
        raise SourceUnavailable(_GENESIS, "the assignment's questionnaire is missing")
    checked = validate_answers(form.items, answers)
    writer = ctx.services.writer
    if not isinstance(writer, GenesisWriter):
        raise SourceUnavailable(_GENESIS, "GENESIS writes are not configured")
    if not checked.ok:
        if completed:
            return ActionResult.refused("ALREADY_COMPLETED", _DONE, _FIELD)
        errors = tuple(UserErrorRecord(p.code, p.message, p.field) for p in checked.problems)
        return ActionResult(user_errors=errors)
    submission = Submission(
        request_key=request_key(ctx, OPERATION, key),
        patient_id=assignment.patient_id,
        task_id=assignment.provenance.source_id,
        questionnaire_id=assignment.questionnaire_id,
        items=form.items,
        answers=checked.answers,
        authored_at=writer.now(),
    )
    try:
        with deadline_at(ctx.deadline):
            done = await submit_response(writer, submission)
    except WriteRefused as refused:
        message = _DONE if refused.reason_code == "ALREADY_COMPLETED" else "No such questionnaire assignment."
        return ActionResult.refused(refused.reason_code, message, _FIELD)
    return ActionResult.ok(assignment=dump(done))


def _answer(ctx: RequestContext, dod_id: str, data: Mapping[str, Any]) -> QuestionnaireAnswer:
    """The (first) result as a record; reads after the write see GENESIS afresh."""
    ctx.loaders = Loaders(ctx.services.sources, ctx.deadline, ctx.services.settings.source_timeout)
    return QuestionnaireAnswer(dod_id, load(QuestionnaireAssignmentRecord, data["assignment"]))
