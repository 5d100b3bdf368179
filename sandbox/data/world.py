"""The generator's working state: the rng, the day, the stores, and helpers to open charts."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from types import EllipsisType

from .directory import Person, add_care_team, patient_resource
from .fhir import Chart, FhirStore, ref
from .places import Facility, Organization, TolSite
from .scheduling import SlotBook
from .tol import TolBuilder

__all__ = ["GENESIS_ACCESSION", "World"]

GENESIS_ACCESSION = "GEN"


@dataclass
class World:
    rng: random.Random
    today: dt.date
    genesis: FhirStore
    community: FhirStore
    slots: SlotBook
    tol: TolBuilder
    sites: dict[str, TolSite]
    # ground truth: whose each community Patient is (a DoD ID), None for people GENESIS does not know
    owners: dict[str, str | None] = field(default_factory=dict)

    def days_ago(self, days: int, facility_tz: Facility | Organization, hour: int = 9) -> dt.datetime:
        """`hour`:00 local time `days` days before today (moved off weekends, backwards)."""
        day = self.today - dt.timedelta(days=days)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=facility_tz.tz)

    def genesis_chart(self, person: Person, dod_id: str, facility: Facility) -> Chart:
        """A GENESIS Patient with a primary care team at `facility`; returns their chart."""
        pid = self.genesis.new_id("pat")
        self.genesis.add(patient_resource(pid, person, dod_id=dod_id))
        team_id = f"careteam-{pid}"
        patient = ref("Patient", pid, person.display)
        add_care_team(self.genesis, team_id, patient, facility, f"{facility.short} Primary Care")
        location = ref("Location", facility.id, facility.name)
        return Chart(self.genesis, pid, person.display, facility.tz, location, GENESIS_ACCESSION, team_id)

    def community_chart(
        self, person: Person, dod_id: str | None, org: Organization, owner: str | EllipsisType | None = ...
    ) -> Chart:
        """A community Patient at practice `org`, with the DoD ID only when given; `owner` is whose
        it truly is (default: the DoD ID it carries), kept as ground truth in `owners`."""
        pid = self.community.new_id("cpat")
        self.owners[pid] = dod_id if isinstance(owner, EllipsisType) else owner
        mrn = (f"urn:mhs:community:{org.id}:mrn", f"MRN{pid[-6:]}")
        self.community.add(patient_resource(pid, person, dod_id=dod_id, mrn=mrn, organization=org))
        custodian = ref("Organization", org.id, org.name)
        return Chart(self.community, pid, person.display, org.tz, custodian, org.business_prefix)
