"""Mutations: Prescription renewal requests."""

from __future__ import annotations

import strawberry

from resolvers.actions.renewals import request_prescription_renewal
from resolvers.actions.results import UserErrorRecord

from ..context import Info, path_of
from ..types.common import UserError
from ..types.medications import Prescription, RenewalRequest


def _errors(found: tuple[UserErrorRecord, ...]) -> list[UserError]:
    return [UserError(field=list(e.field) if e.field else None, code=e.code, message=e.message) for e in found]


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
        answer = await request_prescription_renewal(
            info.context,
            prescription_id=str(input.prescription_id),
            note=input.note,
            key=input.idempotency_key,
            path=path_of(info),
        )
        renewal = None
        if answer.renewal is not None and answer.prescription is not None:
            renewal = RenewalRequest.of(answer.renewal, Prescription.of(answer.prescription, answer.dod_id))
        return RequestPrescriptionRenewalPayload(renewal_request=renewal, user_errors=_errors(answer.user_errors))
