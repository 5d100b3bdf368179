"""What clients can do now: each feature, whether it is available, and why not."""

from __future__ import annotations

import strawberry

from resolvers.capabilities import CapabilityRecord
from sources import capabilities as c

__all__ = ["Capability", "Feature"]

Feature = strawberry.enum(
    c.Feature,
    description="Something a patient does or reads that an upstream may or may not offer "
    "(MHS GENESIS's messages, renewal requests and questionnaires need its patient-portal service).",
)


@strawberry.type(description="One feature and whether clients can use it now.")
class Capability:
    feature: Feature  # type: ignore[valid-type]
    available: bool
    reason: str | None = strawberry.field(description="Why not, when it is not available.")

    @classmethod
    def of(cls, record: CapabilityRecord) -> Capability:
        return cls(feature=record.feature, available=record.available, reason=record.reason)
