"""Provider-approved health information."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.ids import LIBRARY
from sources import records as r

from .common import Coding, Node, global_id

__all__ = ["HealthTopic"]


@strawberry.type(description="A provider-approved health information topic.")
class HealthTopic(Node):
    title: str
    summary: str
    codes: list[Coding] = strawberry.field(
        description="Coded concepts this topic explains (ICD-10-CM, LOINC, RxNorm, SNOMED CT)."
    )
    approved_by: str
    reviewed_on: dt.date

    @classmethod
    def of(cls, t: r.HealthTopicRecord) -> HealthTopic:
        return cls(
            id=global_id("HealthTopic", LIBRARY, t.id),
            title=t.title,
            summary=t.summary,
            codes=[Coding.of(c) for c in t.codes],
            approved_by=t.approved_by,
            reviewed_on=t.reviewed_on,
        )

    @classmethod
    def many(cls, topics: list[r.HealthTopicRecord]) -> list[HealthTopic]:
        return [cls.of(t) for t in topics]
