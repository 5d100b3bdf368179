"""The root Query type: each field calls one resolver function."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from resolvers.capabilities import capabilities_now
from resolvers.cohorts import ask_cohort
from resolvers.nodes import NodeResult, fetch_node
from resolvers.patients import open_patient
from resolvers.principal import Role
from resolvers.slots import open_slots
from resolvers.status import source_health
from resolvers.topics import search_topics
from sources import records as r

from .context import Info, path_of
from .types.capabilities import Capability
from .types.care import CareTeam, Facility, Practitioner, Slot
from .types.clinical import ClinicalNote, Condition, LabResult
from .types.cohorts import Cohort, CohortCriteria, CohortDimension, to_query
from .types.common import CareService, Node, RecordSource, SourceState
from .types.medications import Prescription, RenewalRequest
from .types.messages import MessageThread, SecureMessage
from .types.patient import Patient
from .types.topics import HealthTopic
from .types.visits import Appointment, Questionnaire, QuestionnaireAssignment

__all__ = ["Query", "SourceHealth"]


@strawberry.type(description="Reachability of one upstream source.")
class SourceHealth:
    source: RecordSource  # type: ignore[valid-type]
    state: SourceState
    latency_ms: float | None


def _wrap_node(found: NodeResult) -> Node | None:
    record, source = found.record, found.source
    dod_id = found.owner.dod_id if found.owner is not None else ""
    if found.type_name == "Patient" and found.owner is not None:
        return Patient.of(found.owner)
    if isinstance(record, r.HealthTopicRecord):
        return HealthTopic.of(record)
    if isinstance(record, r.PractitionerRecord) and source is not None:
        return Practitioner.of(record, source)
    if isinstance(record, r.FacilityRecord) and source is not None:
        return Facility.of(record, source)
    if isinstance(record, r.SlotRecord):
        return Slot.of(record)
    if isinstance(record, r.QuestionnaireRecord):
        return Questionnaire.of(record)
    if isinstance(record, r.CareTeamRecord):
        return CareTeam.of(record)
    if isinstance(record, r.AppointmentRecord):
        return Appointment.of(record, dod_id)
    if isinstance(record, r.NoteRecord):
        return ClinicalNote.of(record)
    if isinstance(record, r.LabResultRecord):
        return LabResult.of(record)
    if isinstance(record, r.PrescriptionRecord):
        return Prescription.of(record, dod_id)
    if isinstance(record, r.ConditionRecord):
        return Condition.of(record)
    if isinstance(record, r.MessageThreadRecord):
        return MessageThread.of(record, dod_id)
    if isinstance(record, r.MessageRecord):
        return SecureMessage.of(record)
    if isinstance(record, r.QuestionnaireAssignmentRecord):
        return QuestionnaireAssignment.of(record, dod_id)
    if isinstance(record, r.RenewalRequestRecord):
        rx = found.related
        return RenewalRequest.of(record, Prescription.of(rx, dod_id) if isinstance(rx, r.PrescriptionRecord) else None)
    return None


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in patient (role PATIENT).")
    async def me(self, info: Info) -> Patient | None:
        principal = info.context.principal
        if principal.role is not Role.PATIENT:
            return None
        return Patient.of(await open_patient(info.context, principal.subject, path_of(info)))

    @strawberry.field(
        description="A patient by DoD ID (EDIPI, 10 digits): clinicians with access, or the patient themself."
    )
    async def patient(self, info: Info, dod_id: str) -> Patient | None:
        return Patient.of(await open_patient(info.context, dod_id, path_of(info)))

    @strawberry.field(description="Fetch any object again by its opaque id.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        found = await fetch_node(info.context, str(id), path_of(info))
        return None if found is None else _wrap_node(found)

    @strawberry.field(description="Open appointment slots that the signed-in patient may book.")
    async def available_slots(
        self,
        info: Info,
        service: CareService,  # type: ignore[valid-type]
        from_: Annotated[dt.datetime, strawberry.argument(name="from")],
        to: dt.datetime,
        facility_id: strawberry.ID | None = None,
    ) -> list[Slot]:
        found = await open_slots(
            info.context,
            service,
            from_,
            to,
            None if facility_id is None else str(facility_id),
            path_of(info),
        )
        return [Slot.of(s) for s in found]

    @strawberry.field(description="Provider-approved health information, by free text or by a coded concept.")
    async def health_topics(
        self,
        info: Info,
        search: str | None = None,
        system: str | None = None,
        code: str | None = None,
    ) -> list[HealthTopic]:
        return HealthTopic.many(await search_topics(info.context, search, system, code))

    @strawberry.field(
        description="Analysts: how many patients meet the criteria, broken down `by` the dimensions asked, from "
        "the de-identified mart (counts below the threshold suppressed); and, for a large enough cohort, "
        "pseudonymous members to open with node(id:)."
    )
    async def cohort(
        self,
        info: Info,
        criteria: CohortCriteria,
        by: list[CohortDimension] | None = None,  # type: ignore[valid-type]
    ) -> Cohort:
        return Cohort.of(await ask_cohort(info.context, to_query(criteria), list(by or ())))

    @strawberry.field(
        description="What clients can do now: each feature (messages, renewals, questionnaires, appointment "
        "changes), whether the upstreams offer it, and why not. A mutation of a feature that is not available "
        "answers the userError NOT_SUPPORTED and writes nothing."
    )
    def capabilities(self, info: Info) -> list[Capability]:
        return [Capability.of(c) for c in capabilities_now(info.context)]

    @strawberry.field(description="Reachability of each upstream source, for status pages.")
    async def sources(self, info: Info) -> list[SourceHealth]:
        found = await source_health(info.context)
        return [SourceHealth(source=s, state=getattr(SourceState, state), latency_ms=ms) for s, state, ms in found]
