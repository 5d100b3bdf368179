"""The gateway's own linking checks at their edges: a DoD ID written wrong, a rival, an unknown."""

from __future__ import annotations

import datetime as dt

import pytest

from resolvers.linking import verified, without_rivals
from sources.agreement import could_be, family_parts, same_person
from sources.community import COMMUNITY
from sources.errors import SourceUnavailable
from sources.genesis import GENESIS
from sources.records import Demographics, HumanName, Link, LinkedRef

BORN = dt.date(1984, 5, 6)


def _who(given: str, family: str, *, dod: str | None = None, gender: str | None = "female",
         phone: str | None = "910-555-0101", address: str | None = None,
         born: dt.date = BORN) -> Demographics:  # fmt: skip
    return Demographics(GENESIS if dod else COMMUNITY, "x", dod, HumanName((given,), family), born, gender,
                        phone=phone, address=address)  # fmt: skip


def test_the_rule_asks_what_tells_people_apart() -> None:
    owner = _who("Grace", "Garcia-Lopez", dod="2100000001")
    assert same_person(owner, _who("grace", "Garcia"))  # case, half a hyphenated name
    assert same_person(owner, _who("Grace", "Patel", gender=None), ["Patel", "Lopez"])  # a former name kept
    assert not same_person(owner, _who("Gracie", "Garcia"))  # another given name
    assert not same_person(owner, _who("Grace", "Garcia", gender="male"))
    assert not same_person(owner, _who("Grace", "Garcia", born=dt.date(1984, 5, 7)))
    assert not same_person(owner, _who("Grace", "Garcia", phone="555-0000"))  # nothing to reach her by agrees
    moved = _who("Grace", "Garcia-Lopez", dod="2100000001", phone=None, address="9 Elm St, Fayetteville, NC, 28301")
    assert same_person(moved, _who("Grace", "Garcia", phone=None, address="1 Oak St, Fayetteville, NC 28301-4411"))
    assert not same_person(_who("Grace", "Garcia", dod="2100000001", phone=None), _who("Grace", "Garcia", phone=None))
    assert family_parts(["O'Brien Smith"]) == {"obriensmith", "obrien", "smith"}
    assert could_be(owner, _who("Grace", "Anyone", phone=None))  # rivals: birth date and given name


def test_a_dod_id_written_wrong_is_not_that_persons() -> None:
    owner = _who("Grace", "Hughes", dod="2100000012")
    link = Link(COMMUNITY, "2100000012", (LinkedRef("c1", demographics=_who("Owen", "Young", gender="male")),
                                          LinkedRef("c2", demographics=_who("Grace", "Hughes")),
                                          LinkedRef("c3")))  # fmt: skip
    assert [r.patient_id for r in verified(link, owner).refs] == ["c2", "c3"]  # c3: nothing to check it by
    assert verified(link, None) is link  # no source describes the DoD ID: it is taken as given


async def test_a_record_another_patient_could_be_is_nobodys() -> None:
    record = _who("James", "Smith", gender="male")
    link = Link(COMMUNITY, "2100000101", (LinkedRef("c1", 0.97, demographics=record),))
    owner = _who("James", "Smith", dod="2100000101", gender="male")

    async def namesake(_: Demographics) -> list[Demographics]:
        return [owner, _who("James", "Smith", dod="2100000102", gender="male", phone="555-9999")]

    async def alone(_: Demographics) -> list[Demographics]:
        return [owner, _who("Jane", "Smith", dod="2100000103")]  # another given name: no rival

    assert not (await without_rivals(link, owner, namesake)).linked
    assert (await without_rivals(link, owner, alone)).refs == link.refs

    async def down(_: Demographics) -> list[Demographics]:
        raise SourceUnavailable(GENESIS, "down")

    with pytest.raises(SourceUnavailable):
        await without_rivals(link, owner, down)
