"""Cohort questions for analysts: criteria in, suppressed counts and pseudonymous members out."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers import ports
from resolvers.cohorts import Cell, CohortAnswer, cohort_members
from resolvers.ids import decode_id
from sources import records as r

from ..context import Info
from .care import Facility
from .common import AgeBand, CareService, Interpretation, PageInfo, RecordSource

__all__ = ["Cohort", "CohortCriteria", "CohortDimension", "to_query"]

CohortDimension = strawberry.enum(
    ports.Dimension, name="CohortDimension", description="What a cohort's counts are broken down by."
)


@strawberry.input(description="A lab result: its LOINC code and, if given, one of these interpretations.")
class LabCriterion:
    code: str = strawberry.field(description="LOINC, e.g. 4548-4 (hemoglobin A1c).")
    interpretations: list[Interpretation] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these (HIGH, CRITICAL_HIGH: above range); none given: any result."
    )


@strawberry.input(description="Years, inclusive: records of the patient dated in them.")
class CohortPeriod:
    from_year: int
    to_year: int


@strawberry.input(
    description="Who is in the cohort: every kind of criterion given must hold; within a kind, any of the "
    "values does (labs: every lab criterion must)."
)
class CohortCriteria:
    conditions: list[str] | None = strawberry.field(
        default=None, description="ICD-10-CM codes or prefixes (E11 matches E11.9)."
    )
    labs: list[LabCriterion] | None = None
    medications: list[str] | None = strawberry.field(default=None, description="RxNorm codes.")
    facilities: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Home facilities (Facility ids): where the patient is enrolled."
    )
    services: list[CareService] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Seen in one of these services (in the period, when one is given)."
    )
    age_bands: list[AgeBand] | None = None  # type: ignore[valid-type]
    sexes: list[str] | None = strawberry.field(default=None, description="female, male, other, unknown.")
    period: CohortPeriod | None = strawberry.field(
        default=None, description="Conditions (by onset), labs, medications and visits in these years."
    )


def _value(member: object) -> str:
    """An enum member's value (strawberry hands resolvers the Python enum members)."""
    return str(getattr(member, "value", member))


def to_query(criteria: CohortCriteria) -> ports.CohortQuery:
    """The mart's query for the criteria (facility ids decoded: BAD_USER_INPUT for others)."""
    facilities = []
    for raw in criteria.facilities or ():
        gid = decode_id(str(raw), expect="Facility")
        facilities.append(f"{gid.source}:{gid.source_id}")
    labs = tuple(
        ports.LabCriterion(lab.code, tuple(_value(i) for i in lab.interpretations or ()))
        for lab in criteria.labs or ()
    )
    years = (criteria.period.from_year, criteria.period.to_year) if criteria.period else None
    return ports.CohortQuery(
        conditions=tuple(criteria.conditions or ()),
        labs=labs,
        medications=tuple(criteria.medications or ()),
        facilities=tuple(facilities),
        services=tuple(_value(s) for s in criteria.services or ()),
        age_bands=tuple(_value(a) for a in criteria.age_bands or ()),
        sexes=tuple(criteria.sexes or ()),
        years=years,
    )


@strawberry.type(description="A count, or nothing when it is below the threshold (then `suppressed`).")
class CohortCount:
    count: int | None
    suppressed: bool


def _facility(answer: CohortAnswer, key: str | None) -> Facility | None:
    place = answer.places.get(key or "")
    return None if place is None else Facility.of(place.facility, r.RecordSource(place.source))


@strawberry.type(description="One cell of the breakdown: the dimension values asked for, and its count.")
class CohortCell:
    facility: Facility | None
    service: CareService | None  # type: ignore[valid-type]
    age_band: AgeBand | None  # type: ignore[valid-type]
    sex: str | None
    count: int | None = strawberry.field(description="None when suppressed.")
    suppressed: bool

    @classmethod
    def of(cls, answer: CohortAnswer, cell: Cell) -> CohortCell:
        value = dict(zip(answer.dimensions, cell.values, strict=True))
        service, band = value.get(ports.Dimension.SERVICE), value.get(ports.Dimension.AGE_BAND)
        return cls(
            facility=_facility(answer, value.get(ports.Dimension.FACILITY)),
            service=r.CareService(service) if service else None,
            age_band=AgeBand(band) if band else None,
            sex=value.get(ports.Dimension.SEX),
            count=cell.count,
            suppressed=cell.suppressed,
        )


@strawberry.type(description="A member of a cohort: the project's pseudonym, and the id node(id:) opens them by.")
class CohortPatient:
    id: strawberry.ID = strawberry.field(description="Opens the de-identified record with node(id:).")
    pseudonym: str = strawberry.field(description="This project's pseudonym (also the record's dodId).")


@strawberry.type(description="A page of a cohort's members, in pseudonym order.")
class CohortPatientPage:
    patients: list[CohortPatient]
    page_info: PageInfo


@strawberry.type(description="How current one source's part of the mart is.")
class MartSourceFreshness:
    source: RecordSource  # type: ignore[valid-type]
    data_seconds_ago: int | None = strawberry.field(description="Seconds since the source's data was taken.")


@strawberry.type(description="How fresh the mart that answered is.")
class MartFreshness:
    built_seconds_ago: int
    sources: list[MartSourceFreshness]

    @classmethod
    def of(cls, freshness: ports.MartFreshness) -> MartFreshness:
        now = dt.datetime.now(dt.UTC)

        def ago(moment: dt.datetime | None) -> int | None:
            return None if moment is None else max(0, int((now - moment).total_seconds()))

        return cls(
            built_seconds_ago=ago(freshness.built_at) or 0,
            sources=[MartSourceFreshness(source=s, data_seconds_ago=ago(at))
                     for s, at in sorted(freshness.sources.items())],
        )


@strawberry.type(description="A cohort: its size and breakdown from the de-identified mart, small counts suppressed.")
class Cohort:
    _answer: strawberry.Private[CohortAnswer]
    threshold: int = strawberry.field(description="Counts below this are suppressed.")
    total: CohortCount
    by: list[CohortDimension]  # type: ignore[valid-type]
    cells: list[CohortCell] = strawberry.field(description="Every combination of the asked dimensions' values.")
    freshness: MartFreshness

    @classmethod
    def of(cls, answer: CohortAnswer) -> Cohort:
        return cls(
            _answer=answer,
            threshold=answer.threshold,
            total=CohortCount(count=answer.total, suppressed=answer.total is None),
            by=list(answer.dimensions),
            cells=[CohortCell.of(answer, c) for c in answer.cells],
            freshness=MartFreshness.of(answer.freshness),
        )

    @strawberry.field(description="Members to drill into, by pseudonym; null when the cohort is below the threshold.")
    async def patients(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> CohortPatientPage | None:
        page = await cohort_members(info.context, self._answer, 20 if first is None else first, after)
        if page is None:
            return None
        patients = [CohortPatient(id=strawberry.ID(pid), pseudonym=p) for pid, p in page.members]
        return CohortPatientPage(patients=patients, page_info=PageInfo(has_next_page=page.has_next,
                                                                      end_cursor=page.end_cursor))

