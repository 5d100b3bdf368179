"""Mutations: Questionnaire responses."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.actions import not_available

from ..context import Info
from ..types.common import UserError
from ..types.visits import QuestionnaireAssignment


def _refused(info: Info) -> list[UserError]:
    code, message = not_available(info.context)
    return [UserError(field=None, code=code, message=message)]


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
        return SubmitQuestionnaireResponsePayload(assignment=None, user_errors=_refused(info))
