"""Extra synthetic patients for load runs: DoD IDs from 2000000000, spread over all sources."""

from __future__ import annotations

import datetime as dt

from .clinical import add_prescription
from .codes import MEDICATIONS
from .directory import Person
from .history import (
    random_appointments,
    random_conditions,
    random_labs,
    random_notes,
    random_threads,
)
from .places import BRAGG, COMMUNITY_ORGS, YOKOSUKA
from .world import World

__all__ = ["FIRST_EXTRA_DOD_ID", "add_extras"]

FIRST_EXTRA_DOD_ID = 2_000_000_000
_ELDER = 10  # extras 10, 35, 60, ... are born 45 years earlier (ages over 89 for analysts to see grouped)
_GIVEN_F = ("Ava", "Mia", "Sofia", "Grace", "Aaliyah", "Hannah", "Lucia", "Naomi", "Chloe", "Zoe")
_GIVEN_M = ("Liam", "Noah", "Mateo", "Elijah", "James", "Caleb", "Isaac", "Andre", "Kai", "Owen")
# "Whitfield" is left out on purpose: only P2 and the decoy carry it.
_FAMILY = (
    "Alvarez", "Bennett", "Chen", "Diallo", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
    "Johnson", "Kowalski", "Lopez", "Mensah", "Nguyen", "O'Brien", "Patel", "Reyes", "Sato",
    "Thompson", "Usman", "Vasquez", "Walker", "Young", "Zimmerman",
)  # fmt: skip


def add_extras(w: World, count: int) -> None:
    """`count` patients: all in GENESIS; every 4th also in TOL, every 2nd in a community practice.

    Half of the community ones carry the DoD ID; the others are found only by $match. One in 25
    is born 45 years earlier than the rest (1905 to 1959), so that some are over 89.
    """
    sites = [w.sites["tolfac-lejeune"], w.sites["tolfac-hood"]]
    for i in range(count):
        rng = w.rng
        gender = rng.choice(("female", "male"))
        given = rng.choice(_GIVEN_F if gender == "female" else _GIVEN_M)
        family = rng.choice(_FAMILY)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20000))
        if i % 25 == _ELDER:  # one in 25 is very old (most of them over 89)
            born = dt.date(born.year - 45, born.month, min(born.day, 28))
        dod_id = str(FIRST_EXTRA_DOD_ID + i)
        person = Person(
            (given,), family, born, gender, f"555-01{i % 10000:04d}",
            f"{given.lower()}.{i}@example.com", f"{rng.randint(1, 999)} Main St",
            "Fayetteville", "NC", "28301",
        )  # fmt: skip
        facility = (BRAGG, YOKOSUKA)[i % 2]
        g = w.genesis_chart(person, dod_id, facility)
        random_labs(rng, g, rng.randint(3, 6), w.today, 5, 700)
        random_appointments(rng, g, facility, rng.randint(1, 3), w.today, 5, 700)
        random_notes(rng, g, facility.pcm, 1, w.today, 5, 700)
        random_conditions(rng, g, rng.randint(0, 2), w.today, 5000)
        authored = w.days_ago(rng.randint(10, 300), facility)
        add_prescription(
            g, rng.choice(MEDICATIONS), authored, facility.pcm, refills_allowed=3,
            fills=rng.randint(1, 3), expires=authored.date() + dt.timedelta(days=365),
            rx_number=f"RX9{i:07d}",
        )  # fmt: skip
        if i % 3 == 0:
            random_threads(rng, g, 1, 2, facility.pcm, w.today, 5, 300)
        if i % 2 == 0:
            org = COMMUNITY_ORGS[(i // 2) % 2]
            c = w.community_chart(person, dod_id if i % 4 == 0 else None, org, owner=dod_id)
            random_labs(rng, c, rng.randint(1, 3), w.today, 30, 2000)
        if i % 4 == 1:
            site = sites[(i // 4) % 2]
            acct = w.tol.account(dod_id, given, family, born, gender, site)
            w.tol.history(
                rng, acct, site, w.today, threads=1, per_thread=2, appointments=2,
                prescriptions=1, labs=2, span_days=900,
            )  # fmt: skip
