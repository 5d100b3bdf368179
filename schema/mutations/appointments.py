"""Mutations: Book, cancel and reschedule GENESIS appointments."""

from __future__ import annotations

import strawberry

from resolvers.actions import ActionResult
from resolvers.actions.appointments import (
    appointment_of,
    book_appointment,
    cancel_appointment,
    reschedule_appointment,
)

from ..context import Info, path_of
from ..types.common import UserError
from ..types.visits import Appointment


def _user_errors(result: ActionResult) -> list[UserError]:
    return [UserError(field=list(e.field) if e.field else None, code=e.code, message=e.message)
            for e in result.user_errors]


def _appointment(info: Info, result: ActionResult) -> Appointment | None:
    record = appointment_of(result)
    return None if record is None else Appointment.of(record, info.context.principal.subject)


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
        result = await book_appointment(
            info.context,
            slot_id=input.slot_id,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
            path=path_of(info),
        )
        return BookAppointmentPayload(appointment=_appointment(info, result), user_errors=_user_errors(result))

    @strawberry.mutation(description="Cancel a future booked GENESIS appointment.")
    async def cancel_appointment(self, info: Info, input: CancelAppointmentInput) -> CancelAppointmentPayload:
        result = await cancel_appointment(
            info.context,
            appointment_id=input.appointment_id,
            reason=input.reason,
            idempotency_key=input.idempotency_key,
            path=path_of(info),
        )
        return CancelAppointmentPayload(appointment=_appointment(info, result), user_errors=_user_errors(result))

    @strawberry.mutation(description="Move a future booked GENESIS appointment to another slot.")
    async def reschedule_appointment(
        self, info: Info, input: RescheduleAppointmentInput
    ) -> RescheduleAppointmentPayload:
        result = await reschedule_appointment(
            info.context,
            appointment_id=input.appointment_id,
            new_slot_id=input.new_slot_id,
            idempotency_key=input.idempotency_key,
            path=path_of(info),
        )
        return RescheduleAppointmentPayload(appointment=_appointment(info, result), user_errors=_user_errors(result))
