"""A record the caller may see can point at another record by id (a questionnaire Task's
`basedOn` appointment, a renewal Task's `focus` prescription). Following that reference must
not hand out a record of another patient, whatever the upstream data says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

from resolvers.context import RequestContext
from resolvers.ids import encode_id
from resolvers.principal import Principal, Role
from resolvers.services import Services
from schema import build_schema
from sources.base import Page, PatientKey, Query
from sources.errors import SourceError
from sources.genesis import GENESIS
from sources.records import (
    AppointmentRecord,
    AppointmentStatus,
    CareService,
    Coding,
    Demographics,
    HumanName,
    Link,
    LinkedRef,
    PrescriptionRecord,
    Provenance,
    QuestionnaireAssignmentRecord,
    Record,
    RecordKind,
    RecordSource,
    RenewalRequestRecord,
    RenewalStatus,
)

OWNER = "1000000001"
G = GENESIS
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _prov(source_id: str) -> Provenance:
    return Provenance(G, source_id, NOW)


# The owner (GENESIS patient g-1) holds an assignment and a renewal request whose references
# point at records of another patient (g-2).
RECORDS: dict[tuple[RecordKind, str], Record] = {
    (RecordKind.QUESTIONNAIRE_ASSIGNMENT, "qa-1"): QuestionnaireAssignmentRecord(
        _prov("qa-1"), "g-1", "q-1", "appt-of-g2", NOW, None
    ),
    (RecordKind.APPOINTMENT, "appt-of-g2"): AppointmentRecord(
        _prov("appt-of-g2"), "g-2", NOW, None, AppointmentStatus.BOOKED, CareService.DENTAL, "g-2's visit"
    ),
    (RecordKind.RENEWAL_REQUEST, "rr-1"): RenewalRequestRecord(
        _prov("rr-1"), "g-1", "rx-of-g2", RenewalStatus.REQUESTED, NOW
    ),
    (RecordKind.PRESCRIPTION, "rx-of-g2"): PrescriptionRecord(
        _prov("rx-of-g2"), "g-2", Coding("rxnorm", "1"), "g-2's medicine", "active"
    ),
}


class _Genesis:
    name: ClassVar[RecordSource] = G
    provides: ClassVar[frozenset[RecordKind]] = frozenset(kind for kind, _ in RECORDS)

    async def link(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        return [
            Link(G, k.dod_id, (LinkedRef("g-1"),), _who("g-1", OWNER)) if k.dod_id == OWNER else Link(G, k.dod_id)
            for k in patients
        ]

    async def get(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[Record | None]:
        return [RECORDS.get((kind, i)) for i in ids]

    async def patients(self, ids: Sequence[str]) -> Sequence[Demographics | None]:
        return [_who(i, OWNER if i == "g-1" else "1000000002") for i in ids]

    async def fetch(self, kind: RecordKind, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        return [Page((), False) for _ in queries]


def _who(patient_id: str, dod_id: str) -> Demographics:
    return Demographics(G, patient_id, dod_id, HumanName(("A",), "B"), dt.date(1990, 1, 1), "female")


async def _node(query: str, type_name: str, source_id: str) -> Any:
    context = RequestContext(Services(sources={G: _Genesis()}), Principal(Role.PATIENT, OWNER), "req-refs")
    variables = {"id": encode_id(type_name, G, source_id)}
    return await build_schema().execute(query, variable_values=variables, context_value=context)


async def test_an_assignment_does_not_lead_to_another_patients_appointment() -> None:
    query = "query($id: ID!) { node(id: $id) { ... on QuestionnaireAssignment { id appointment { description } } } }"
    result = await _node(query, "QuestionnaireAssignment", "qa-1")
    assert result.data is not None and result.data["node"]["id"]  # the assignment is the owner's
    assert result.data["node"]["appointment"] is None, result.data


async def test_a_renewal_request_does_not_lead_to_another_patients_prescription() -> None:
    query = "query($id: ID!) { node(id: $id) { ... on RenewalRequest { prescription { display } } } }"
    result = await _node(query, "RenewalRequest", "rr-1")
    assert "g-2's medicine" not in str(result.data)
    assert result.data == {"node": None}
    assert [e.extensions["code"] for e in result.errors or ()] == ["FORBIDDEN"]
