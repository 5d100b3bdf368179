"""Facilities, practitioners, care teams and bookable slots."""

from __future__ import annotations

import datetime as dt

import strawberry

from sources import records as r

from .common import CareService, HumanName, Node, global_id

__all__ = ["CareTeam", "Facility", "Practitioner", "Slot"]


@strawberry.type(description="A treatment facility or community practice.")
class Facility(Node):
    name: str
    on_genesis: bool = strawberry.field(
        description="Whether the facility runs MHS GENESIS (false: a legacy or community site)."
    )

    @classmethod
    def of(cls, f: r.FacilityRecord | None, source: r.RecordSource) -> Facility | None:
        if f is None:
            return None
        return cls(id=global_id("Facility", source, f.id), name=f.name, on_genesis=f.on_genesis)


@strawberry.type(description="A clinician or other member of a care team.")
class Practitioner(Node):
    name: HumanName
    role: str | None

    @classmethod
    def of(cls, p: r.PractitionerRecord | None, source: r.RecordSource) -> Practitioner | None:
        if p is None:
            return None
        return cls(id=global_id("Practitioner", source, p.id), name=HumanName.of(p.name), role=p.role)


@strawberry.type(description="A patient's primary care team.")
class CareTeam(Node):
    name: str
    facility: Facility | None
    members: list[Practitioner]

    @classmethod
    def of(cls, t: r.CareTeamRecord) -> CareTeam:
        src = t.provenance.source
        members = [m for m in (Practitioner.of(p, src) for p in t.members) if m is not None]
        return cls(
            id=global_id("CareTeam", src, t.provenance.source_id),
            name=t.name,
            facility=Facility.of(t.facility, src),
            members=members,
        )


@strawberry.type(description="An open appointment slot that can be booked.")
class Slot(Node):
    start: dt.datetime
    end: dt.datetime
    service: CareService  # type: ignore[valid-type]
    facility: Facility
    practitioner: Practitioner | None

    @classmethod
    def of(cls, s: r.SlotRecord) -> Slot:
        src = s.provenance.source
        facility = Facility.of(s.facility, src)
        assert facility is not None
        return cls(
            id=global_id("Slot", src, s.provenance.source_id),
            start=s.start,
            end=s.end,
            service=s.service,
            facility=facility,
            practitioner=Practitioner.of(s.practitioner, src),
        )
