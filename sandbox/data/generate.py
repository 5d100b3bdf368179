"""`generate()`: the whole synthetic data set, deterministic for a seed and a day."""

from __future__ import annotations

import datetime as dt
import random

from .directory import add_location, add_organization, add_practitioner
from .encounters import add_encounters
from .extras import add_extras
from .fhir import FhirStore
from .groups import add_facility_groups, add_practice_groups
from .lookalikes import add_lookalikes
from .model import DemoData
from .personas import build_personas
from .places import BRAGG, COMMUNITY_ORGS, GENESIS_FACILITIES, tol_facilities
from .questionnaire import dental_history
from .scheduling import SlotBook
from .stamps import stamp_last_updated
from .tol import TolBuilder
from .world import World

__all__ = ["DEFAULT_SEED", "generate"]

DEFAULT_SEED = 20261127


def generate(
    seed: int = DEFAULT_SEED, extra_patients: int = 0, today: dt.date | None = None, lookalikes: int | None = None
) -> DemoData:
    """The demo's data: the same `seed`, `extra_patients`, `today` and `lookalikes` give the same data.

    Dates are relative to `today` (default: the local date), so upcoming stays upcoming.
    `lookalikes` near-duplicate pairs of people (default: one per 4 extra patients, 50 for 200).
    """
    if extra_patients < 0 or (lookalikes is not None and lookalikes < 0):
        raise ValueError("extra_patients and lookalikes must not be negative")
    day = today or dt.date.today()
    rng = random.Random(seed)
    sites = tol_facilities(day)
    genesis, community = FhirStore(), FhirStore()
    world = World(
        rng=rng,
        today=day,
        genesis=genesis,
        community=community,
        slots=SlotBook(genesis),
        tol=TolBuilder(sites),
        sites={s.id: s for s in sites},
    )
    for facility in GENESIS_FACILITIES:
        add_location(genesis, facility)
        for staff in (facility.pcm, facility.dentist, facility.nurse):
            add_practitioner(genesis, staff)
        world.slots.add_schedules(rng, facility, day)
    genesis.add(dental_history())
    for org in COMMUNITY_ORGS:
        add_organization(community, org)
        add_practitioner(community, org.clinician)

    personas = build_personas(world)
    add_extras(world, extra_patients)
    pairs = add_lookalikes(world, extra_patients // 4 if lookalikes is None else lookalikes, seed)
    add_encounters(genesis)
    add_facility_groups(genesis, GENESIS_FACILITIES)
    add_practice_groups(community, COMMUNITY_ORGS)
    for store in (genesis, community):
        stamp_last_updated(store.resources, day)
    return DemoData(
        genesis=genesis.resources,
        community=community.resources,
        tol=world.tol.data,
        personas=personas,
        genesis_facility=BRAGG.id,
        community_owners=dict(world.owners),
        lookalikes=pairs,
    )
