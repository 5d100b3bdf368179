"""CommunitySource against a sandbox HIE: DoD ID linking, `$match` linking, provenance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aiohttp

from sources.base import PageRequest, Query
from sources.community import COMMUNITY, CommunitySource
from sources.duplicates import lab_identity
from sources.genesis import GENESIS
from sources.records import Demographics, HumanName, PatientKey, RecordKind

from ..fhir.support import Recorder, config_for, lab, patient, running, stats

ORGS = [
    {"resourceType": "Organization", "id": "org-lakeside-family", "name": "Lakeside Family Medicine"},
    {"resourceType": "Organization", "id": "org-harbor-dental", "name": "Harbor Dental"},
]
PHONE = "910-555-0100"


def _reachable(resource: dict[str, Any], phone: str = PHONE) -> dict[str, Any]:
    """A patient with a phone number: demographic links need a contact detail that agrees."""
    resource["telecom"] = [{"system": "phone", "value": phone}]
    return resource


def _genderless(resource: dict[str, Any]) -> dict[str, Any]:
    del resource["gender"]
    return resource


DATA = [
    *ORGS,
    patient("c1", "Rivera", "Ana", "1985-04-12", "female", "1000000001", org="org-lakeside-family"),
    _reachable(patient("c2", "Okafor", "Ben", "1960-01-30", "male", org="org-harbor-dental")),
    _reachable(patient("c4", "Okafor", "Ben", "1960-01-30", "male", org="org-lakeside-family")),
    _reachable(patient("c3", "Okafor", "Ben", "1971-07-04", "male", org="org-lakeside-family")),  # decoy
    _reachable(_genderless(patient("c6", "Okafor", "Cal", "1962-02-02", "male", org="org-lakeside-family"))),
    _reachable(patient("c7", "Okafor", "Benn", "1960-01-30", "male", org="org-lakeside-family"), "555-0199"),
    patient("c5", "Okafor", "Benjamin", "1960-01-30", "male", "1000000099", org="org-harbor-dental"),
    lab("x1", "c2", "2024-01-20T10:00:00+01:00", accession="shared-1"),
    lab("x2", "c3", "2024-01-21T10:00:00Z"),
]


def genesis_demographics(dod: str, family: str, given: str, birth: dt.date | None, gender: str | None) -> Demographics:
    return Demographics(GENESIS, "g-" + dod, dod, HumanName((given,), family), birth, gender, phone=PHONE)


async def test_links_by_dod_id_and_by_match(http: aiohttp.ClientSession) -> None:
    async with running(DATA, match_enabled=True, writable=False) as server:
        source = CommunitySource(config_for(server), http, Recorder())
        ben = genesis_demographics("1000000002", "Okafor", "Ben", dt.date(1960, 1, 30), "male")
        ana, unlinked = await source.link([PatientKey("1000000001"), PatientKey("1000000002")])
        assert not unlinked.linked  # the practice holds no DoD ID for Ben: identifiers never find him
        (ben_link,) = await source.match([PatientKey("1000000002", ben)])
        assert [(r.patient_id, r.match_confidence, r.organization) for r in ana.refs] == [
            ("c1", None, "Lakeside Family Medicine")]  # fmt: skip
        linked = {r.patient_id: r for r in ben_link.refs}
        assert set(linked) == {"c2", "c4"}  # both practices; never the decoy with another birth date
        assert all(r.match_confidence is not None and r.match_confidence >= 0.8 for r in linked.values())
        assert linked["c2"].organization == "Harbor Dental"


async def test_no_demographics_or_no_gender_means_no_match(http: aiohttp.ClientSession) -> None:
    async with running(DATA, match_enabled=True, writable=False) as server:
        source = CommunitySource(config_for(server), http, Recorder())
        genderless = genesis_demographics("1000000003", "Okafor", "Ben", dt.date(1960, 1, 30), None)
        links = await source.match([PatientKey("1000000002"), PatientKey("1000000003", genderless)])
        assert not any(lnk.linked for lnk in links)
        assert (await stats(http, server))["requests"] == 0  # no $match without name, birth date and gender


async def test_a_high_threshold_links_nothing_uncertain(http: aiohttp.ClientSession) -> None:
    async with running(DATA, match_enabled=True, writable=False) as server:
        cal = genesis_demographics("1000000004", "Okafor", "Cal", dt.date(1962, 2, 2), "male")  # no gender there
        lenient = CommunitySource(config_for(server), http, Recorder(), match_threshold=0.5)
        (loose,) = await lenient.match([PatientKey("1000000004", cal)])
        assert [r.patient_id for r in loose.refs] == ["c6"] and all(r.match_confidence < 1.0 for r in loose.refs)
        strict = CommunitySource(config_for(server), http, Recorder(), match_threshold=1.0)
        (link,) = await strict.match([PatientKey("1000000004", cal)])
        assert not link.linked


async def test_the_hie_grade_alone_never_links(http: aiohttp.ClientSession) -> None:
    # the HIE grades "Benn" a probable Ben, and a record with no contact detail in common could
    # be anyone's: the gateway's own rule links neither
    async with running(DATA, match_enabled=True, writable=False) as server:
        lenient = CommunitySource(config_for(server), http, Recorder(), match_threshold=0.1)
        benn = genesis_demographics("1000000005", "Okafor", "Benn", dt.date(1960, 1, 30), "male")
        (link,) = await lenient.match([PatientKey("1000000005", benn)])
        assert [r.patient_id for r in link.refs] == []  # c2/c4 are Ben; c7 is Benn with another phone
        ben = genesis_demographics("1000000002", "Okafor", "Ben", dt.date(1960, 1, 30), "male")
        (link,) = await lenient.match([PatientKey("1000000002", ben)])
        assert {r.patient_id for r in link.refs} == {"c2", "c4"}
        assert all(r.demographics is not None and r.demographics.name.given == ("Ben",) for r in link.refs)


async def test_matched_records_carry_confidence_and_practice(http: aiohttp.ClientSession) -> None:
    async with running(DATA, match_enabled=True, writable=False) as server:
        source = CommunitySource(config_for(server), http, Recorder())
        ben = genesis_demographics("1000000002", "Okafor", "Ben", dt.date(1960, 1, 30), "male")
        (link,) = await source.match([PatientKey("1000000002", ben)])
        (page,) = await source.fetch(RecordKind.LAB_RESULT, [Query(link, PageRequest(10))])
        assert [r.provenance.source_id for r in page.items] == ["x1"]
        record = page.items[0]
        assert record.provenance.source == COMMUNITY
        assert record.provenance.organization == "Harbor Dental"
        owner = next(r for r in link.refs if r.patient_id == "c2")
        assert record.provenance.match_confidence == owner.match_confidence is not None
        assert record.business_id == lab_identity("2345-7", dt.datetime(2024, 1, 20, 9, tzinfo=dt.UTC), 5.0, "mmol/L",
                                                  None, "shared-1")  # fmt: skip
        assert record.effective_at.utcoffset() == dt.timedelta(hours=1)
