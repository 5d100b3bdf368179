"""submitQuestionnaireResponse: validated answers to the patient's own pending assignment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from sources.capabilities import Feature
from sources.errors import SourceUnavailable
from sources.records import QuestionnaireAssignmentRecord, QuestionnaireRecord, RecordKind
from sources.writes import Submission, WriteRefused

from ..context import RequestContext
from ..ids import GlobalId
from .inputs import input_id
from .pipeline import Refused, WriteAction, WriteCall
from .results import UserErrorRecord
from .validation import AnswerInput, validate_answers

__all__ = ["QUESTIONNAIRE", "Completed", "SubmissionInput"]

_FIELD = ("input", "assignmentId")
_DONE = "This questionnaire was already completed."


@dataclass(frozen=True, slots=True)
class SubmissionInput:
    assignment_id: str
    answers: Sequence[AnswerInput]


@dataclass(frozen=True, slots=True)
class Completed:
    """The assignment, completed."""

    assignment: QuestionnaireAssignmentRecord


@dataclass(frozen=True, slots=True)
class _Clean:
    assignment: GlobalId
    sent: SubmissionInput


@dataclass(frozen=True)
class SubmitQuestionnaire(WriteAction[SubmissionInput, _Clean, Completed]):
    """Write the completed response and complete the assignment (once per key)."""

    operation: ClassVar[str] = "submitQuestionnaireResponse"
    audit_action: ClassVar[str] = "update"
    kind: ClassVar[RecordKind] = RecordKind.QUESTIONNAIRE_ASSIGNMENT
    result: ClassVar[type[Any]] = Completed
    not_patient: ClassVar[str] = "Only the patient can answer their questionnaires; nothing was written."
    also_audits: ClassVar[tuple[tuple[str, str], ...]] = (("create", "questionnaire_response"),)

    def needs(self, raw: SubmissionInput) -> Feature:
        return Feature.ANSWER_QUESTIONNAIRE

    def clean(self, raw: SubmissionInput, ctx: RequestContext) -> _Clean:
        return _Clean(input_id(raw.assignment_id, "QuestionnaireAssignment", _FIELD), raw)

    def targets(self, raw: SubmissionInput) -> tuple[str, ...]:
        return (raw.assignment_id,)

    def inputs(self, clean: _Clean) -> Mapping[str, Any]:
        values = [{"linkId": a.link_id, **{k: str(v) for k, v in a.values().items()}} for a in clean.sent.answers]
        return {"assignmentId": clean.sent.assignment_id, "answers": values}

    def refusal(self, refused: WriteRefused) -> UserErrorRecord:
        message = _DONE if refused.reason_code == "ALREADY_COMPLETED" else "No such questionnaire assignment."
        return UserErrorRecord(refused.reason_code, message, _FIELD)

    async def run(self, call: WriteCall, clean: _Clean) -> Completed:
        gid = clean.assignment
        writable = call.ctx.services.writable(gid.record_source, Feature.ANSWER_QUESTIONNAIRE)
        assignment = await call.own(RecordKind.QUESTIONNAIRE_ASSIGNMENT, gid) if writable else None
        if not isinstance(assignment, QuestionnaireAssignmentRecord):
            raise Refused.one("NOT_FOUND", "No such questionnaire assignment in your record.", _FIELD)
        # A completed assignment goes on to the writer: if this request completed it (the source
        # committed, its answer was lost) the retry finishes there; completed by another, it refuses.
        completed = assignment.completed_at is not None
        source = assignment.provenance.source
        form = await call.ctx.loaders.get(source, RecordKind.QUESTIONNAIRE, assignment.questionnaire_id)
        if not isinstance(form, QuestionnaireRecord):
            raise SourceUnavailable(source, "the assignment's questionnaire is missing")
        checked = validate_answers(form.items, clean.sent.answers)
        if not checked.ok:
            if completed:
                raise Refused.one("ALREADY_COMPLETED", _DONE, _FIELD)
            raise Refused(*(UserErrorRecord(p.code, p.message, p.field) for p in checked.problems))
        submission = Submission(
            request_key=call.request_key,
            patient_id=assignment.patient_id,
            task_id=assignment.provenance.source_id,
            questionnaire_id=assignment.questionnaire_id,
            items=form.items,
            answers=checked.answers,
            authored_at=call.writes.now(),
        )
        return Completed(await call.writes.submit_response(submission))


QUESTIONNAIRE = SubmitQuestionnaire()
