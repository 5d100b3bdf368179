"""Prescriptions, renewal eligibility and renewal requests."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.prescriptions import pending_renewal, renewal_of
from resolvers.topics import topics_for
from sources import records as r

from ..context import Info
from .care import Practitioner
from .common import Coding, Node, PageInfo, Provenance, RenewalStatus, global_id
from .topics import HealthTopic

__all__ = [
    "Prescription",
    "PrescriptionConnection",
    "PrescriptionEdge",
    "RenewalEligibility",
    "RenewalRequest",
]


@strawberry.type(description="Whether a prescription can be renewed now, and why.")
class RenewalEligibility:
    eligible: bool
    reason: str = strawberry.field(
        description="NO_REFILLS_LEFT, EXPIRED, HAS_REFILLS, NOT_GENESIS, INACTIVE or RENEWAL_PENDING."
    )


@strawberry.type(description="A patient's request to renew a prescription, reviewed in GENESIS.")
class RenewalRequest(Node):
    status: RenewalStatus  # type: ignore[valid-type]
    requested_at: dt.datetime
    note: str | None
    _prescription: strawberry.Private[Prescription | None]

    @strawberry.field(description="The prescription to renew.")
    def prescription(self) -> Prescription:
        assert self._prescription is not None
        return self._prescription

    @classmethod
    def of(cls, req: r.RenewalRequestRecord, rx: Prescription | None) -> RenewalRequest:
        return cls(
            id=global_id("RenewalRequest", req.provenance.source, req.provenance.source_id),
            status=req.status,
            requested_at=req.requested_at,
            note=req.note,
            _prescription=rx,
        )


@strawberry.type(description="A prescription from any source.")
class Prescription(Node):
    provenance: Provenance
    medication: Coding
    display: str
    dosage_instructions: str | None
    prescriber: Practitioner | None
    authored_on: dt.date | None
    status: str
    refills_allowed: int | None
    refills_remaining: int | None
    expires_on: dt.date | None
    _record: strawberry.Private[r.PrescriptionRecord]
    _dod_id: strawberry.Private[str]

    @strawberry.field(description="Whether a renewal can be requested now, and why.")
    async def renewal(self, info: Info) -> RenewalEligibility:
        result = await renewal_of(info.context, self._dod_id, self._record)
        return RenewalEligibility(eligible=result.eligible, reason=result.reason)

    @strawberry.field(description="An open renewal request for this prescription, if any.")
    async def pending_renewal(self, info: Info) -> RenewalRequest | None:
        req = await pending_renewal(info.context, self._dod_id, self._record)
        return None if req is None else RenewalRequest.of(req, self)

    @strawberry.field(description="Health information about this medication.")
    async def health_topics(self, info: Info) -> list[HealthTopic]:
        return HealthTopic.many(await topics_for(info.context, (self._record.medication,), tuple(info.path.as_list())))

    @classmethod
    def of(cls, rx: r.PrescriptionRecord, dod_id: str) -> Prescription:
        src = rx.provenance.source
        return cls(
            id=global_id("Prescription", src, rx.provenance.source_id),
            provenance=Provenance.of(rx.provenance),
            medication=Coding.of(rx.medication),
            display=rx.display,
            dosage_instructions=rx.dosage_instructions,
            prescriber=Practitioner.of(rx.prescriber, src),
            authored_on=rx.authored_on,
            status=rx.status,
            refills_allowed=rx.refills_allowed,
            refills_remaining=rx.refills_remaining,
            expires_on=rx.expires_on,
            _record=rx,
            _dod_id=dod_id,
        )


@strawberry.type
class PrescriptionEdge:
    cursor: str
    node: Prescription


@strawberry.type(description="A page of prescriptions, newest first.")
class PrescriptionConnection:
    edges: list[PrescriptionEdge]
    page_info: PageInfo
    total_count: int | None
