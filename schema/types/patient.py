"""The patient: demographics, source coverage, and every record list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import strawberry

from resolvers.deid.ages import age_band
from resolvers.demographics import demographics_of
from resolvers.errors import GatewayError
from resolvers.ids import PERSON
from resolvers.lists import all_records, record_list
from resolvers.patients import PatientHandle, care_team, coverage
from resolvers.prescriptions import prefetch_renewals
from resolvers.questionnaires import assignments
from sources import records as r
from sources.base import Filters
from sources.errors import SourceError

from ..context import Info, path_of, selects
from .care import CareTeam
from .clinical import (
    ClinicalNote,
    ClinicalNoteConnection,
    ClinicalNoteEdge,
    Condition,
    LabResult,
    LabResultConnection,
    LabResultEdge,
)
from .common import (
    AgeBand,
    AppointmentStatus,
    CareService,
    HumanName,
    MessageFolder,
    Node,
    PageInfo,
    RecordSource,
    SourceState,
    global_id,
)
from .medications import Prescription, PrescriptionConnection, PrescriptionEdge
from .messages import MessageThread, MessageThreadConnection, MessageThreadEdge
from .visits import Appointment, AppointmentConnection, AppointmentEdge, QuestionnaireAssignment

__all__ = ["Patient", "SourceCoverage"]

C = TypeVar("C")


@strawberry.type(description="How one source contributed to a patient's record in this response.")
class SourceCoverage:
    source: RecordSource  # type: ignore[valid-type]
    state: SourceState
    message: str | None


def _page_info(has_next: bool, end_cursor: str | None) -> PageInfo:
    return PageInfo(has_next_page=has_next, end_cursor=end_cursor)


@strawberry.type(description="One beneficiary's record, merged across every source.")
class Patient(Node):
    _handle: strawberry.Private[PatientHandle]

    @classmethod
    def of(cls, handle: PatientHandle) -> Patient:
        return cls(id=global_id("Patient", PERSON, handle.dod_id), _handle=handle)

    async def _demo(self, info: Info) -> r.Demographics | None:
        return await demographics_of(info.context, self._handle, path_of(info))

    @strawberry.field(description="DoD ID (EDIPI, 10 digits).")
    def dod_id(self) -> str:
        return self._handle.dod_id

    @strawberry.field(description="The patient's name as the most authoritative source has it.")
    async def name(self, info: Info) -> HumanName:
        demo = await self._demo(info)
        if demo is None:
            raise PatientNameUnavailable()
        return HumanName.of(demo.name)

    @strawberry.field
    async def birth_date(self, info: Info) -> dt.date | None:
        demo = await self._demo(info)
        return demo.birth_date if demo else None

    @strawberry.field(description="The age attained this year, in bands; every age over 89 is AGE_90_PLUS.")
    async def age_band(self, info: Info) -> AgeBand | None:  # type: ignore[valid-type]
        demo = await self._demo(info)
        if demo is None or demo.birth_date is None:
            return None
        return AgeBand(age_band(demo.birth_date.year, dt.date.today().year))

    @strawberry.field
    async def gender(self, info: Info) -> str | None:
        demo = await self._demo(info)
        return demo.gender if demo else None

    @strawberry.field
    async def phone(self, info: Info) -> str | None:
        demo = await self._demo(info)
        return demo.phone if demo else None

    @strawberry.field
    async def email(self, info: Info) -> str | None:
        demo = await self._demo(info)
        return demo.email if demo else None

    @strawberry.field(description="Which sources contributed, and which could not be reached, for this response.")
    async def source_coverage(self, info: Info) -> list[SourceCoverage]:
        # Let sibling fields start and finish their upstream calls first, so coverage is complete.
        ctx = info.context
        await ctx.loaders.settled()
        return [
            SourceCoverage(source=s, state=getattr(SourceState, state), message=msg)
            for s, state, msg in coverage(ctx, self._handle)
        ]

    @strawberry.field(description="The patient's primary care team (GENESIS).")
    async def primary_care_team(self, info: Info) -> CareTeam | None:
        try:
            team = await care_team(info.context, self._handle)
        except SourceError as exc:
            info.context.outcomes.failed(self._handle.dod_id, exc, path_of(info))
            return None
        return None if team is None else CareTeam.of(team)

    async def _connection(
        self,
        info: Info,
        kind: r.RecordKind,
        first: int | None,
        after: str | None,
        filters: Filters,
        build: Callable[[list[tuple[str, Any]], PageInfo, int | None], C],
    ) -> C:
        """One page of `kind` across sources, shaped by `build(edges, page_info, total)`."""
        page = await record_list(
            info.context,
            self._handle,
            kind,
            first=20 if first is None else first,
            after=after,
            filters=filters,
            want_total=selects(info, "totalCount"),
            path=path_of(info),
        )
        return build(page.edges, _page_info(page.has_next, page.end_cursor), page.total)

    @strawberry.field(description="Visits from every source, newest first.")
    async def appointments(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        from_: Annotated[dt.datetime | None, strawberry.argument(name="from")] = None,
        to: dt.datetime | None = None,
        status: list[AppointmentStatus] | None = None,  # type: ignore[valid-type]
        service: CareService | None = None,  # type: ignore[valid-type]
    ) -> AppointmentConnection:
        filters = Filters(date_from=from_, date_to=to, statuses=tuple(status or ()), service=service)
        dod = self._handle.dod_id

        def build(edges: list[tuple[str, Any]], page_info: PageInfo, total: int | None) -> AppointmentConnection:
            nodes = [AppointmentEdge(cursor=c, node=Appointment.of(x, dod)) for c, x in edges]
            return AppointmentConnection(edges=nodes, page_info=page_info, total_count=total)

        return await self._connection(info, r.RecordKind.APPOINTMENT, first, after, filters, build)

    @strawberry.field(description="Clinical notes from every source, newest first.")
    async def clinical_notes(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        from_: Annotated[dt.datetime | None, strawberry.argument(name="from")] = None,
        to: dt.datetime | None = None,
    ) -> ClinicalNoteConnection:
        filters = Filters(date_from=from_, date_to=to)

        def build(edges: list[tuple[str, Any]], page_info: PageInfo, total: int | None) -> ClinicalNoteConnection:
            nodes = [ClinicalNoteEdge(cursor=c, node=ClinicalNote.of(x)) for c, x in edges]
            return ClinicalNoteConnection(edges=nodes, page_info=page_info, total_count=total)

        return await self._connection(info, r.RecordKind.CLINICAL_NOTE, first, after, filters, build)

    @strawberry.field(description="Lab and test results from every source, newest first.")
    async def lab_results(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        from_: Annotated[dt.datetime | None, strawberry.argument(name="from")] = None,
        to: dt.datetime | None = None,
        code: str | None = None,
    ) -> LabResultConnection:
        filters = Filters(date_from=from_, date_to=to, code=code)

        def build(edges: list[tuple[str, Any]], page_info: PageInfo, total: int | None) -> LabResultConnection:
            nodes = [LabResultEdge(cursor=c, node=LabResult.of(x)) for c, x in edges]
            return LabResultConnection(edges=nodes, page_info=page_info, total_count=total)

        return await self._connection(info, r.RecordKind.LAB_RESULT, first, after, filters, build)

    @strawberry.field(description="Prescriptions from every source, newest first.")
    async def prescriptions(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        active_only: bool | None = False,
    ) -> PrescriptionConnection:
        filters = Filters(active_only=bool(active_only))
        dod = self._handle.dod_id
        if selects(info, "edges", "node", ("renewal", "pendingRenewal")):
            prefetch_renewals(info.context, self._handle)

        def build(edges: list[tuple[str, Any]], page_info: PageInfo, total: int | None) -> PrescriptionConnection:
            nodes = [PrescriptionEdge(cursor=c, node=Prescription.of(x, dod)) for c, x in edges]
            return PrescriptionConnection(edges=nodes, page_info=page_info, total_count=total)

        return await self._connection(info, r.RecordKind.PRESCRIPTION, first, after, filters, build)

    @strawberry.field(description="Secure message threads: GENESIS ones and archived TOL ones.")
    async def message_threads(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        folder: MessageFolder | None = None,  # type: ignore[valid-type]
    ) -> MessageThreadConnection:
        filters = Filters(folder=folder)
        dod = self._handle.dod_id

        def build(edges: list[tuple[str, Any]], page_info: PageInfo, total: int | None) -> MessageThreadConnection:
            nodes = [MessageThreadEdge(cursor=c, node=MessageThread.of(x, dod)) for c, x in edges]
            return MessageThreadConnection(edges=nodes, page_info=page_info, total_count=total)

        return await self._connection(info, r.RecordKind.MESSAGE_THREAD, first, after, filters, build)

    @strawberry.field(description="Conditions from every source.")
    async def conditions(self, info: Info) -> list[Condition]:
        found = await all_records(info.context, self._handle, r.RecordKind.CONDITION, path_of(info))
        return [Condition.of(c) for c in found if isinstance(c, r.ConditionRecord)]

    @strawberry.field(description="Questionnaires assigned to the patient (pending ones by default).")
    async def questionnaires(self, info: Info, pending_only: bool | None = True) -> list[QuestionnaireAssignment]:
        found = await assignments(
            info.context,
            self._handle.dod_id,
            pending_only=pending_only is not False,
            path=path_of(info),
        )
        return [QuestionnaireAssignment.of(a, self._handle.dod_id) for a in found]


class PatientNameUnavailable(GatewayError):
    """No source that answered holds the patient's name."""

    code = "SOURCE_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__("The patient's name could not be read from any source.")
