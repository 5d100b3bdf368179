"""Appointments and the questionnaires tied to them."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.questionnaires import appointment_of, assignment_for, questionnaire_of
from resolvers.rules import can_change_appointment
from sources import records as r
from sources.capabilities import Feature

from ..context import Info
from .care import Facility, Practitioner
from .common import (
    AppointmentStatus,
    CareService,
    Node,
    PageInfo,
    Provenance,
    QuestionnaireItemType,
    global_id,
)

__all__ = [
    "Appointment",
    "AppointmentConnection",
    "AppointmentEdge",
    "Questionnaire",
    "QuestionnaireAssignment",
    "QuestionnaireItem",
]


@strawberry.type(description="One question (or group, or display text) of a questionnaire.")
class QuestionnaireItem:
    link_id: str
    text: str
    type: QuestionnaireItemType  # type: ignore[valid-type]
    required: bool
    options: list[str]
    items: list[QuestionnaireItem]

    @classmethod
    def of(cls, i: r.QuestionnaireItemRecord) -> QuestionnaireItem:
        return cls(
            link_id=i.link_id,
            text=i.text,
            type=i.type,
            required=i.required,
            options=list(i.options),
            items=[cls.of(x) for x in i.items],
        )


@strawberry.type(description="A form a patient fills in, such as the dental health history.")
class Questionnaire(Node):
    title: str
    items: list[QuestionnaireItem]

    @classmethod
    def of(cls, q: r.QuestionnaireRecord) -> Questionnaire:
        return cls(
            id=global_id("Questionnaire", q.provenance.source, q.provenance.source_id),
            title=q.title,
            items=[QuestionnaireItem.of(i) for i in q.items],
        )


@strawberry.type(description="A questionnaire a patient is asked to complete, often before a visit.")
class QuestionnaireAssignment(Node):
    due_by: dt.datetime | None
    completed_at: dt.datetime | None
    _record: strawberry.Private[r.QuestionnaireAssignmentRecord]
    _dod_id: strawberry.Private[str]

    @strawberry.field(description="The form to fill in.")
    async def questionnaire(self, info: Info) -> Questionnaire:
        return Questionnaire.of(await questionnaire_of(info.context, self._record))

    @strawberry.field(description="The visit this questionnaire prepares, if any.")
    async def appointment(self, info: Info) -> Appointment | None:
        appt = await appointment_of(info.context, self._dod_id, self._record)
        return None if appt is None else Appointment.of(appt, self._dod_id)

    @classmethod
    def of(cls, a: r.QuestionnaireAssignmentRecord, dod_id: str) -> QuestionnaireAssignment:
        return cls(
            id=global_id("QuestionnaireAssignment", a.provenance.source, a.provenance.source_id),
            due_by=a.due_by,
            completed_at=a.completed_at,
            _record=a,
            _dod_id=dod_id,
        )


@strawberry.type(description="A visit, past or upcoming, from any source.")
class Appointment(Node):
    provenance: Provenance
    start: dt.datetime
    end: dt.datetime | None
    status: AppointmentStatus  # type: ignore[valid-type]
    service: CareService  # type: ignore[valid-type]
    description: str | None
    facility: Facility | None
    practitioner: Practitioner | None
    _record: strawberry.Private[r.AppointmentRecord]
    _dod_id: strawberry.Private[str]

    def _changeable(self, info: Info, feature: Feature) -> bool:
        writable = info.context.services.writable(self._record.provenance.source, feature)
        return can_change_appointment(self._record, dt.datetime.now(dt.UTC), writable=writable)

    @strawberry.field(description="True only for future GENESIS appointments that are still booked.")
    def can_cancel(self, info: Info) -> bool:
        return self._changeable(info, Feature.CANCEL_APPOINTMENT)

    @strawberry.field(description="True only for future GENESIS appointments that are still booked.")
    def can_reschedule(self, info: Info) -> bool:
        return self._changeable(info, Feature.RESCHEDULE_APPOINTMENT)

    @strawberry.field(
        description="The pre-visit questionnaire tied to this appointment, if any (dental health history)."
    )
    async def questionnaire(self, info: Info) -> QuestionnaireAssignment | None:
        found = await assignment_for(info.context, self._dod_id, self._record)
        return None if found is None else QuestionnaireAssignment.of(found, self._dod_id)

    @classmethod
    def of(cls, a: r.AppointmentRecord, dod_id: str) -> Appointment:
        src = a.provenance.source
        return cls(
            id=global_id("Appointment", src, a.provenance.source_id),
            provenance=Provenance.of(a.provenance),
            start=a.start,
            end=a.end,
            status=a.status,
            service=a.service,
            description=a.description,
            facility=Facility.of(a.facility, src),
            practitioner=Practitioner.of(a.practitioner, src),
            _record=a,
            _dod_id=dod_id,
        )


@strawberry.type
class AppointmentEdge:
    cursor: str
    node: Appointment


@strawberry.type(description="A page of appointments, newest first.")
class AppointmentConnection:
    edges: list[AppointmentEdge]
    page_info: PageInfo
    total_count: int | None
