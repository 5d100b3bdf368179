"""Mutations: questionnaire responses."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.actions import QUESTIONNAIRE, AnswerInput, SubmissionInput, perform

from ..context import Info
from ..types.common import UserError
from ..types.visits import QuestionnaireAssignment


@strawberry.input
class QuestionnaireAnswerInput:
    link_id: str
    value_boolean: bool | None = None
    value_string: str | None = None
    value_integer: int | None = None
    value_decimal: float | None = None
    value_date: dt.date | None = None

    def to_answer(self) -> AnswerInput:
        return AnswerInput(
            link_id=self.link_id,
            value_boolean=self.value_boolean,
            value_string=self.value_string,
            value_integer=self.value_integer,
            value_decimal=self.value_decimal,
            value_date=self.value_date,
        )


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
        raw = SubmissionInput(str(input.assignment_id), [a.to_answer() for a in input.answers])
        answer = await perform(info.context, QUESTIONNAIRE, raw, input.idempotency_key)
        done = answer.value
        return SubmitQuestionnaireResponsePayload(
            assignment=None if done is None else QuestionnaireAssignment.of(done.assignment, answer.dod_id),
            user_errors=UserError.many(answer.user_errors),
        )
