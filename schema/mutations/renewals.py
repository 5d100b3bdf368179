"""Mutations: Prescription renewal requests."""

from __future__ import annotations

import strawberry

from resolvers.actions import not_available

from ..context import Info
from ..types.common import UserError
from ..types.medications import RenewalRequest


def _refused(info: Info) -> list[UserError]:
    code, message = not_available(info.context)
    return [UserError(field=None, code=code, message=message)]


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
        return RequestPrescriptionRenewalPayload(renewal_request=None, user_errors=_refused(info))
