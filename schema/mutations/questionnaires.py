"""Mutations: Questionnaire responses."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.actions.questionnaires import submit_questionnaire_response
from resolvers.actions.results import UserErrorRecord
from resolvers.actions.validation import AnswerInput

from ..context import Info, path_of
from ..types.common import UserError
from ..types.visits import QuestionnaireAssignment


def _errors(found: tuple[UserErrorRecord, ...]) -> list[UserError]:
    return [UserError(field=list(e.field) if e.field else None, code=e.code, message=e.message) for e in found]


@strawberry.input
class QuestionnaireAnswerInput:
    link_id: str
    value_boolean: bool | None = None
    value_string: str | None = None
    value_integer: int | None = None
    value_decimal: float | None = None
    value_date: dt.date | None = None


@strawberry.input
class SubmitQuestionnaireResponseInput:
    assignment_id: strawberry.ID
    answers: list[QuestionnaireAnswerInput]
    idempotency_key: str


@strawberry.type
class SubmitQuestionnaireResponsePayload:
    assignment: QuestionnaireAssignment | None
    user_errors: list[UserError]


@strawberry.type
class QuestionnaireMutations:
    @strawberry.mutation(description="Submit answers to an assigned questionnaire.")
    async def submit_questionnaire_response(
        self, info: Info, input: SubmitQuestionnaireResponseInput
    ) -> SubmitQuestionnaireResponsePayload:
        answers = [
            AnswerInput(
                link_id=a.link_id,
                value_boolean=a.value_boolean,
                value_string=a.value_string,
                value_integer=a.value_integer,
                value_decimal=a.value_decimal,
                value_date=a.value_date,
            )
            for a in input.answers
        ]
        answer = await submit_questionnaire_response(
            info.context,
            assignment_id=str(input.assignment_id),
            answers=answers,
            key=input.idempotency_key,
            path=path_of(info),
        )
        return SubmitQuestionnaireResponsePayload(
            assignment=None
            if answer.assignment is None
            else QuestionnaireAssignment.of(answer.assignment, answer.dod_id),
            user_errors=_errors(answer.user_errors),
        )
