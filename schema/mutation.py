"""The root Mutation type: patient actions, written to GENESIS only."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.actions import not_available

from .context import Info
from .types.common import UserError
from .types.medications import RenewalRequest
from .types.messages import MessageThread, SecureMessage
from .types.visits import Appointment, QuestionnaireAssignment

__all__ = ["Mutation"]


@strawberry.input
class BookAppointmentInput:
    slot_id: strawberry.ID
    reason: str | None = None
    idempotency_key: str


@strawberry.type
class BookAppointmentPayload:
    appointment: Appointment | None
    user_errors: list[UserError]


@strawberry.input
class CancelAppointmentInput:
    appointment_id: strawberry.ID
    reason: str | None = None
    idempotency_key: str


@strawberry.type
class CancelAppointmentPayload:
    appointment: Appointment | None
    user_errors: list[UserError]


@strawberry.input
class RescheduleAppointmentInput:
    appointment_id: strawberry.ID
    new_slot_id: strawberry.ID
    idempotency_key: str


@strawberry.type
class RescheduleAppointmentPayload:
    appointment: Appointment | None
    user_errors: list[UserError]


@strawberry.input
class RequestPrescriptionRenewalInput:
    prescription_id: strawberry.ID
    note: str | None = None
    idempotency_key: str


@strawberry.type
class RequestPrescriptionRenewalPayload:
    renewal_request: RenewalRequest | None
    user_errors: list[UserError]


@strawberry.input
class SendSecureMessageInput:
    thread_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Reply in this thread (must be a GENESIS thread), or start a new thread with careTeamId.",
    )
    care_team_id: strawberry.ID | None = None
    subject: str | None = None
    body: str
    idempotency_key: str


@strawberry.type
class SendSecureMessagePayload:
    thread: MessageThread | None
    message: SecureMessage | None
    user_errors: list[UserError]


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


def _refused(info: Info) -> list[UserError]:
    code, message = not_available(info.context)
    return [UserError(field=None, code=code, message=message)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Book a free GENESIS slot.")
    async def book_appointment(self, info: Info, input: BookAppointmentInput) -> BookAppointmentPayload:
        return BookAppointmentPayload(appointment=None, user_errors=_refused(info))

    @strawberry.mutation(description="Cancel a future booked GENESIS appointment.")
    async def cancel_appointment(self, info: Info, input: CancelAppointmentInput) -> CancelAppointmentPayload:
        return CancelAppointmentPayload(appointment=None, user_errors=_refused(info))

    @strawberry.mutation(description="Move a future booked GENESIS appointment to another slot.")
    async def reschedule_appointment(
        self, info: Info, input: RescheduleAppointmentInput
    ) -> RescheduleAppointmentPayload:
        return RescheduleAppointmentPayload(appointment=None, user_errors=_refused(info))

    @strawberry.mutation(description="Ask the care team to renew a prescription.")
    async def request_prescription_renewal(
        self, info: Info, input: RequestPrescriptionRenewalInput
    ) -> RequestPrescriptionRenewalPayload:
        return RequestPrescriptionRenewalPayload(renewal_request=None, user_errors=_refused(info))

    @strawberry.mutation(description="Reply in a GENESIS thread or start a new one with the care team.")
    async def send_secure_message(self, info: Info, input: SendSecureMessageInput) -> SendSecureMessagePayload:
        return SendSecureMessagePayload(thread=None, message=None, user_errors=_refused(info))

    @strawberry.mutation(description="Submit answers to an assigned questionnaire.")
    async def submit_questionnaire_response(
        self, info: Info, input: SubmitQuestionnaireResponseInput
    ) -> SubmitQuestionnaireResponsePayload:
        return SubmitQuestionnaireResponsePayload(assignment=None, user_errors=_refused(info))
