"""Shared types: enums, Node, Provenance, Coding, names, quantities, paging, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import Enum, StrEnum

import strawberry

from resolvers.actions import UserErrorRecord
from resolvers.deid import ages
from resolvers.ids import encode_id
from sources import records as r
from sources.registry import SPECS

__all__ = [
    "AgeBand",
    "AppointmentStatus",
    "CareService",
    "Coding",
    "HumanName",
    "Interpretation",
    "MessageFolder",
    "Node",
    "PageInfo",
    "Provenance",
    "Quantity",
    "QuestionnaireItemType",
    "RecordSource",
    "ReferenceRange",
    "RenewalStatus",
    "SourceState",
    "UserError",
    "global_id",
]

# One value per registered source (`sources/registry.py`), described by its spec.
_SOURCES: type[StrEnum] = StrEnum("RecordSource", [(spec.name, spec.name) for spec in SPECS])  # type: ignore[misc]
RecordSource = strawberry.enum(_SOURCES, description="Where a record came from.")
for _value in RecordSource.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = next(spec.description for spec in SPECS if spec.name == _value.value)
AgeBand = strawberry.enum(
    ages.AgeBand, description="An age band: the age attained in the year, every age over 89 as AGE_90_PLUS."
)
CareService = strawberry.enum(r.CareService, description="The kind of care an appointment is for.")
AppointmentStatus = strawberry.enum(r.AppointmentStatus, description="An appointment's state.")
MessageFolder = strawberry.enum(r.MessageFolder, description="Where a message thread is filed.")
Interpretation = strawberry.enum(r.Interpretation, description="How a result compares with its range.")
RenewalStatus = strawberry.enum(r.RenewalStatus, description="Where a renewal request stands.")
QuestionnaireItemType = strawberry.enum(
    r.QuestionnaireItemType, description="The kind of answer a questionnaire item takes."
)


@strawberry.enum(description="How one source contributed to a response.")
class SourceState(Enum):
    OK = "OK"
    UNAVAILABLE = "UNAVAILABLE"
    TIMED_OUT = "TIMED_OUT"
    PARTIAL = "PARTIAL"
    NOT_LINKED = "NOT_LINKED"


def global_id(type_name: str, source: r.RecordSource | str, source_id: str) -> strawberry.ID:
    return strawberry.ID(encode_id(type_name, source, source_id))


@strawberry.interface(description="An object that node(id:) can fetch again.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque, globally unique; node(id:) fetches the object again.")


@strawberry.type(description="Where a record came from.")
class Provenance:
    source: RecordSource  # type: ignore[valid-type]
    source_id: str = strawberry.field(description="The record's id inside its source system.")
    organization: str | None = strawberry.field(
        description="The organization that holds the record (treatment facility or community practice)."
    )
    retrieved_at: dt.datetime = strawberry.field(description="When the gateway read it.")
    match_confidence: float | None = strawberry.field(
        description="Only for COMMUNITY records found by demographic matching: the match score, 0..1."
    )
    also_in: list[RecordSource] = strawberry.field(  # type: ignore[valid-type]
        description="Other sources that hold the same record, when duplicates were merged."
    )

    @classmethod
    def of(cls, p: r.Provenance) -> Provenance:
        return cls(
            source=p.source,
            source_id=p.source_id,
            organization=p.organization,
            retrieved_at=p.retrieved_at,
            match_confidence=p.match_confidence,
            also_in=list(p.also_in),
        )


@strawberry.type(description="A code from a code system (LOINC, RxNorm, ICD-10-CM, SNOMED CT).")
class Coding:
    system: str
    code: str
    display: str | None

    @classmethod
    def of(cls, c: r.Coding) -> Coding:
        return cls(system=c.system, code=c.code, display=c.display)


@strawberry.type(description="A person's name.")
class HumanName:
    given: list[str]
    family: str
    text: str = strawberry.field(description="The whole name as one line.")

    @classmethod
    def of(cls, n: r.HumanName) -> HumanName:
        return cls(given=list(n.given), family=n.family, text=n.text)


@strawberry.type(description="A measured amount.")
class Quantity:
    value: float
    unit: str | None

    @classmethod
    def of(cls, q: r.Quantity | None) -> Quantity | None:
        return None if q is None else cls(value=q.value, unit=q.unit)


@strawberry.type(description="The range a result is expected to fall in.")
class ReferenceRange:
    low: Quantity | None
    high: Quantity | None
    text: str | None

    @classmethod
    def of(cls, rr: r.ReferenceRange | None) -> ReferenceRange | None:
        if rr is None:
            return None
        return cls(low=Quantity.of(rr.low), high=Quantity.of(rr.high), text=rr.text)


@strawberry.type(description="Paging state of a connection.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A business-rule refusal: the request was understood and refused; nothing was written.")
class UserError:
    field: list[str] | None
    code: str
    message: str

    @classmethod
    def many(cls, errors: Sequence[UserErrorRecord]) -> list[UserError]:
        return [cls(field=list(e.field) if e.field else None, code=e.code, message=e.message) for e in errors]
