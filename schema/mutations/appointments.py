"""Mutations: Book, cancel and reschedule GENESIS appointments."""

from __future__ import annotations

import strawberry

from resolvers.actions import not_available

from ..context import Info
from ..types.common import UserError
from ..types.visits import Appointment


def _refused(info: Info) -> list[UserError]:
    code, message = not_available(info.context)
    return [UserError(field=None, code=code, message=message)]


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
        return BookAppointmentPayload(appointment=None, user_errors=_refused(info))

    @strawberry.mutation(description="Cancel a future booked GENESIS appointment.")
    async def cancel_appointment(self, info: Info, input: CancelAppointmentInput) -> CancelAppointmentPayload:
        return CancelAppointmentPayload(appointment=None, user_errors=_refused(info))

    @strawberry.mutation(description="Move a future booked GENESIS appointment to another slot.")
    async def reschedule_appointment(
        self, info: Info, input: RescheduleAppointmentInput
    ) -> RescheduleAppointmentPayload:
        return RescheduleAppointmentPayload(appointment=None, user_errors=_refused(info))
