"""Mutations: prescription renewal requests."""

from __future__ import annotations

import strawberry

from resolvers.actions import RENEWAL, RenewalInput, perform

from ..context import Info
from ..types.common import UserError
from ..types.medications import Prescription, RenewalRequest


@strawberry.input
class RequestPrescriptionRenewalInput:
    prescription_id: strawberry.ID
    note: str | None = None
    idempotency_key: str


@strawberry.type
class RequestPrescriptionRenewalPayload:
    renewal_request: RenewalRequest | None
    user_errors: list[UserError]


@strawberry.type
class RenewalMutations:
    @strawberry.mutation(description="Ask the care team to renew a prescription.")
    async def request_prescription_renewal(
        self, info: Info, input: RequestPrescriptionRenewalInput
    ) -> RequestPrescriptionRenewalPayload:
        raw = RenewalInput(prescription_id=str(input.prescription_id), note=input.note)
        answer = await perform(info.context, RENEWAL, raw, input.idempotency_key)
        done = answer.value
        renewal = None
        if done is not None:
            renewal = RenewalRequest.of(done.renewal_request, Prescription.of(done.prescription, answer.dod_id))
        errors = UserError.many(answer.user_errors)
        return RequestPrescriptionRenewalPayload(renewal_request=renewal, user_errors=errors)
