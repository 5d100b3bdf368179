"""Mutations: book, cancel and reschedule appointments where writes go (GENESIS)."""

from __future__ import annotations

import strawberry

from resolvers.actions import BOOK, CANCEL, RESCHEDULE, Answer, Changed, ChangeInput, perform

from ..context import Info
from ..types.common import UserError
from ..types.visits import Appointment


def _appointment(answer: Answer[Changed]) -> Appointment | None:
    return None if answer.value is None else Appointment.of(answer.value.appointment, answer.dod_id)


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


@strawberry.type
class AppointmentMutations:
    @strawberry.mutation(description="Book a free GENESIS slot.")
    async def book_appointment(self, info: Info, input: BookAppointmentInput) -> BookAppointmentPayload:
        raw = ChangeInput(slot_id=str(input.slot_id), reason=input.reason)
        answer = await perform(info.context, BOOK, raw, input.idempotency_key)
        return BookAppointmentPayload(appointment=_appointment(answer), user_errors=UserError.many(answer.user_errors))

    @strawberry.mutation(description="Cancel a future booked GENESIS appointment.")
    async def cancel_appointment(self, info: Info, input: CancelAppointmentInput) -> CancelAppointmentPayload:
        raw = ChangeInput(appointment_id=str(input.appointment_id), reason=input.reason)
        answer = await perform(info.context, CANCEL, raw, input.idempotency_key)
        errors = UserError.many(answer.user_errors)
        return CancelAppointmentPayload(appointment=_appointment(answer), user_errors=errors)

    @strawberry.mutation(description="Move a future booked GENESIS appointment to another slot.")
    async def reschedule_appointment(
        self, info: Info, input: RescheduleAppointmentInput
    ) -> RescheduleAppointmentPayload:
        raw = ChangeInput(slot_id=str(input.new_slot_id), appointment_id=str(input.appointment_id))
        answer = await perform(info.context, RESCHEDULE, raw, input.idempotency_key)
        return RescheduleAppointmentPayload(
            appointment=_appointment(answer), user_errors=UserError.many(answer.user_errors)
        )
