"""Near-duplicate people across GENESIS and the community practices, with who is who kept.

Each pair is two people (or one person written two ways) that a demographic matcher could
confuse: twins, two people sharing a common name and birth date, a DoD ID with two digits
transposed that is another patient's, a family name changed after marriage, a hyphenated family
name, a missing gender, and a community-only stranger who shares a GENESIS patient's name and
birth date. Ground truth (`World.owners`) says whose every community Patient is; nothing here is
read by the gateway. DoD IDs from 2100000000 (pair n uses 2100000000 + 100 n + 1..99).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from .directory import Person
from .history import random_labs
from .places import BRAGG, COMMUNITY_ORGS
from .world import World

__all__ = ["FIRST_LOOKALIKE_DOD_ID", "KINDS", "add_lookalikes"]

FIRST_LOOKALIKE_DOD_ID = 2_100_000_000
_TWINS = (("Ava", "Eva", "female", "female"), ("Mia", "Mya", "female", "female"), ("Ella", "Emma", "female", "female"),
          ("Jake", "Jack", "male", "male"), ("Mason", "Jason", "male", "male"), ("Aiden", "Aidan", "male", "male"),
          ("Noah", "Nora", "male", "female"), ("Leo", "Lea", "male", "female"))  # fmt: skip
_COMMON = (("James", "Smith", "male"), ("Maria", "Garcia", "female"), ("Michael", "Johnson", "male"),
           ("Mary", "Williams", "female"), ("David", "Brown", "male"), ("Jennifer", "Jones", "female"))  # fmt: skip
_Edit = Callable[[dict[str, Any]], None]
_FAMILY = ("Alvarez", "Bennett", "Chen", "Diallo", "Evans", "Fischer", "Hughes", "Lopez", "Mensah", "Nguyen",
           "Patel", "Reyes", "Sato", "Thompson", "Walker", "Young")  # fmt: skip
_GIVEN = {"female": ("Grace", "Hannah", "Naomi", "Chloe", "Sofia", "Lucia"),
          "male": ("Caleb", "Isaac", "Andre", "Mateo", "Owen", "Elijah")}  # fmt: skip


@dataclasses.dataclass
class _Pair:
    w: World
    rng: random.Random
    n: int

    def dod(self, k: int) -> str:
        return str(FIRST_LOOKALIKE_DOD_ID + 100 * self.n + k)

    def person(self, given: str, family: str, born: dt.date, gender: str, k: int, town: str = "home") -> Person:
        """Someone with their own phone and email; `town` "home" is Fayetteville, else elsewhere."""
        place = ("Fayetteville", "NC", "28301") if town == "home" else ("Raleigh", "NC", "27601")
        phone, email = f"555-02{self.n % 1000:03d}{k}", f"{given.lower()}.{self.dod(k)}@example.com"
        return Person((given,), family, born, gender, phone, email, f"{self.rng.randint(1, 999)} Oak St", *place)

    def genesis(self, person: Person, dod_id: str) -> None:
        g = self.w.genesis_chart(person, dod_id, BRAGG)
        random_labs(self.rng, g, 2, self.w.today, 5, 700)

    def community(self, who: Person, owner: str | None, carried: str | None = None, edit: _Edit | None = None) -> str:
        """A community Patient (no DoD ID unless `carried`) with a lab; `owner` is whose it is."""
        c = self.w.community_chart(who, carried, COMMUNITY_ORGS[self.n % 2], owner=owner)
        if edit is not None:
            edit(next(r for r in reversed(self.w.community.resources) if r["id"] == c.patient_id))
        random_labs(self.rng, c, 1, self.w.today, 30, 900)
        return c.patient_id

    def born(self) -> dt.date:
        return dt.date(1955, 1, 1) + dt.timedelta(days=self.rng.randint(0, 18000))


def _twins(p: _Pair) -> str:
    """Twins: one family name, one birth date, one household; given names an edit apart."""
    one, two, g1, g2 = p.rng.choice(_TWINS)
    family, born = p.rng.choice(_FAMILY), p.born()
    a = p.person(one, family, born, g1, 1)
    b = dataclasses.replace(p.person(two, family, born, g2, 2), phone=a.phone, line=a.line)
    p.genesis(a, p.dod(1))
    p.genesis(b, p.dod(2))
    p.community(b, p.dod(2))
    return p.community(a, p.dod(1))


def _common(p: _Pair) -> str:
    """Two people with one common name, birth date and gender, in one town; one at a practice."""
    given, family, gender = p.rng.choice(_COMMON)
    born = p.born()
    a, b = p.person(given, family, born, gender, 1), p.person(given, family, born, gender, 2)
    p.genesis(a, p.dod(1))
    p.genesis(b, p.dod(2))
    return p.community(a, p.dod(1))


def _transposed(p: _Pair) -> str:
    """The practice wrote two digits of the DoD ID the wrong way round: that ID is another patient's."""
    gender = p.rng.choice(("female", "male"))
    a = p.person(p.rng.choice(_GIVEN[gender]), p.rng.choice(_FAMILY), p.born(), gender, 1)
    other = p.rng.choice(("female", "male"))
    b = p.person(p.rng.choice(_GIVEN[other]), p.rng.choice(_FAMILY), p.born(), other, 2)
    p.genesis(a, p.dod(12))
    p.genesis(b, p.dod(21))
    return p.community(a, p.dod(12), carried=p.dod(21))


def _married(p: _Pair) -> str:
    """She married: the practice knows her new family name (and, every other time, the old one)."""
    old, new = p.rng.sample(_FAMILY, 2)
    a = p.person(p.rng.choice(_GIVEN["female"]), old, p.born(), "female", 1)
    p.genesis(a, p.dod(1))
    keep_old = p.n % 2 == 0

    def rename(patient: dict[str, Any]) -> None:
        patient["name"][0]["family"] = new
        if keep_old:
            patient["name"].append({"use": "maiden", "family": old, "given": list(a.given)})

    return p.community(dataclasses.replace(a, family=new), p.dod(1), edit=rename)


def _hyphenated(p: _Pair) -> str:
    """A hyphenated family name that the practice keeps only the first half of; every other time
    a second patient carries that first half, the same given name and birth date."""
    first, second = p.rng.sample(_FAMILY, 2)
    gender = p.rng.choice(("female", "male"))
    given, born = p.rng.choice(_GIVEN[gender]), p.born()
    a = p.person(given, f"{first}-{second}", born, gender, 1)
    p.genesis(a, p.dod(1))
    if p.n % 2 == 0:
        p.genesis(p.person(given, first, born, gender, 2), p.dod(2))
    return p.community(dataclasses.replace(a, family=first), p.dod(1))


def _genderless(p: _Pair) -> str:
    """The practice recorded no gender; a stranger of the other gender shares name and birth date."""
    gender = p.rng.choice(("female", "male"))
    given, family, born = p.rng.choice(("Jordan", "Taylor", "Casey", "Riley")), p.rng.choice(_FAMILY), p.born()
    a = p.person(given, family, born, gender, 1)
    p.genesis(a, p.dod(1))
    stranger = p.person(given, family, born, "male" if gender == "female" else "female", 2, town="away")
    p.community(stranger, None)
    return p.community(a, p.dod(1), edit=lambda patient: patient.pop("gender"))


def _stranger(p: _Pair) -> str:
    """Someone GENESIS never saw shares a GENESIS patient's name, birth date and gender."""
    gender = p.rng.choice(("female", "male"))
    given, family, born = p.rng.choice(_GIVEN[gender]), p.rng.choice(_FAMILY), p.born()
    p.genesis(p.person(given, family, born, gender, 1), p.dod(1))
    return p.community(p.person(given, family, born, gender, 2, town="away"), None)


KINDS: dict[str, Callable[[_Pair], str]] = {
    "twins": _twins, "common-name": _common, "transposed-dod-id": _transposed, "married-name": _married,
    "hyphenated-name": _hyphenated, "missing-gender": _genderless, "stranger": _stranger,
}  # fmt: skip


def add_lookalikes(w: World, count: int, seed: int) -> tuple[tuple[str, str], ...]:
    """`count` near-duplicate pairs, the kinds in turn; (kind, community patient id) of each pair."""
    rng = random.Random(f"lookalikes-{seed}")  # its own stream: the rest of the world stays as it was
    names = list(KINDS)
    out = []
    for n in range(count):
        kind = names[n % len(names)]
        out.append((kind, KINDS[kind](_Pair(w, rng, n))))
    return tuple(out)
