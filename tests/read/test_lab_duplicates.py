"""A GENESIS lab result and a community one are merged only when they are one result.

Real sandboxes and adapters on loopback; GENESIS speaks the generic profile or Millennium (whose
lab Observations carry a clinical-event id and no accession number, docs/duplicates.md).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import aiohttp
import pytest

from resolvers.federation import merge_pages
from resolvers.totals import exact_total
from sandbox.millennium import millennium_resources
from sources.base import Page, PageRequest, Query
from sources.community import COMMUNITY, CommunitySource
from sources.duplicates import collapse, lab_identity
from sources.fhir.bundle import Bundle
from sources.fhir.mapping import MapContext, lab_result
from sources.genesis import GENESIS, GenesisSource
from sources.records import LabResultRecord, Link, LinkedRef, RecordKind, RecordSource
from tests.sources.fhir.support import Recorder, config_for, lab, patient, running

DOD, OTHER_DOD = "1000000001", "1000000009"
T = "2024-03-01T08:00:00Z"
_ALL = PageRequest(50, want_total=True, want_business_ids=True)


def _labs_genesis() -> list[dict[str, Any]]:
    return [
        patient("g1", "Castillo", "Jordan", "1993-04-17", "female", DOD),
        lab("g-ldl", "g1", T, code="13457-7", value=92.0, accession="LAB-77"),  # also at the practice
        lab("g-glu", "g1", "2024-03-02T08:00:00Z", code="2345-7", value=5.4),  # same code and day, other value
        lab("g-hgb", "g1", "2024-03-03T08:00:00Z", code="718-7", value=13.5),  # same value, other time
        lab("g-a1c", "g1", "2024-03-04T08:00:00Z", code="4548-4", value=7.4, accession="LAB-80"),
        lab("g-k", "g1", "2024-03-05T08:00:00Z", code="2823-3", value=4.1),  # same value, other patient
    ]


def _labs_community() -> list[dict[str, Any]]:
    same = lab("c-ldl", "c1", "2024-03-01T09:00:00+01:00", code="13457-7", value=92, accession="LAB-77")
    same["valueQuantity"]["unit"] = " mmol/L"  # written otherwise, still the same unit
    return [
        {"resourceType": "Organization", "id": "org-a", "name": "Lakeside Family Medicine"},
        patient("c1", "Castillo", "Jordan", "1993-04-17", "female", DOD, org="org-a"),
        patient("c9", "Reyes", "Sam", "1971-07-04", "male", OTHER_DOD, org="org-a"),
        same,
        lab("c-glu", "c1", "2024-03-02T14:00:00Z", code="2345-7", value=5.9),
        lab("c-hgb", "c1", "2024-03-03T14:30:00Z", code="718-7", value=13.5),
        lab("c-a1c", "c1", "2024-03-04T08:00:00Z", code="4548-4", value=7.4, accession="OTHER-LAB-3"),
        lab("c-k", "c9", "2024-03-05T08:00:00Z", code="2823-3", value=4.1),
    ]


async def _community_page(http: aiohttp.ClientSession, server: Any, refs: tuple[str, ...]) -> Page:
    source = CommunitySource(config_for(server), http, Recorder())
    link = Link(COMMUNITY, DOD, tuple(LinkedRef(r) for r in refs))
    [page] = await source.fetch(RecordKind.LAB_RESULT, [Query(link, _ALL)])
    assert isinstance(page, Page)
    return page


async def _genesis_page(http: aiohttp.ClientSession, millennium: bool) -> Page:
    if millennium:  # the Millennium answers, mapped as the adapter maps every Observation
        served = millennium_resources(_labs_genesis())
        assert not any("lab-accession" in str(r.get("identifier")) for r in served)
        ctx = MapContext(GENESIS, dt.datetime.now(dt.UTC), Bundle({"resourceType": "Bundle", "entry": []}))
        observations = [r for r in served if r["resourceType"] == "Observation"]
        records: list[LabResultRecord] = [x for r in observations if (x := lab_result(r, ctx))]
        keys = tuple(k for r in records if (k := r.business_id))
        newest = sorted(records, key=lambda r: r.effective_at, reverse=True)
        return Page(tuple(newest), False, len(records), keys)
    async with running(_labs_genesis()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        link = Link(GENESIS, DOD, (LinkedRef("g1"),))
        [page] = await source.fetch(RecordKind.LAB_RESULT, [Query(link, _ALL)])
        assert isinstance(page, Page)
        return page


def _shown(merged: Any) -> dict[str, tuple[RecordSource, ...]]:
    return {m.record.provenance.source_id.removeprefix("L-"): m.record.provenance.also_in for m in merged.items}


@pytest.mark.parametrize("millennium", [False, True], ids=["generic", "millennium"])
async def test_only_true_duplicates_are_merged(millennium: bool) -> None:
    async with aiohttp.ClientSession() as http, running(_labs_community(), writable=False) as community:
        genesis = await _genesis_page(http, millennium)
        practice = await _community_page(http, community, ("c1",))
    merged = merge_pages({GENESIS: genesis, COMMUNITY: practice}, 50, {})
    kept = [m.record for m in merged.items]
    by_code: dict[str, list[LabResultRecord]] = {}
    for record in kept:
        by_code.setdefault(record.code.code, []).append(record)
    # the LDL GENESIS and the practice hold is one result, shown from GENESIS (Millennium: no accession)
    assert [(r.provenance.source, r.provenance.also_in) for r in by_code["13457-7"]] == [(GENESIS, (COMMUNITY,))]
    # same code and day, another value; same value, another time: two results each
    assert sorted(r.value_quantity.value for r in by_code["2345-7"] if r.value_quantity) == [5.4, 5.9]
    assert [r.provenance.source for r in by_code["718-7"]] == [COMMUNITY, GENESIS]
    # same code, time and value, but the lab numbers differ (generic GENESIS carries one): two results;
    # Millennium carries none, so nothing vetoes and the two are one
    assert len(by_code["4548-4"]) == (1 if millennium else 2)
    # another patient's identical result is never this patient's, nor merged into it
    assert [(r.provenance.source, r.provenance.also_in) for r in by_code["2823-3"]] == [(GENESIS, ())]
    assert {r.patient_id for r in kept if r.provenance.source == COMMUNITY} == {"c1"}
    # the total counts what the list shows; the GENESIS adapter asks a server for no total (Millennium
    # gives none on a paged search), so against the generic server it has none and the list's is null
    if millennium:
        assert exact_total([genesis, practice]) == len(kept)
    else:
        assert genesis.total is None


def _key(value: float, when: str = T, code: str = "2345-7", accession: str | None = None) -> str | None:
    return lab_identity(code, dt.datetime.fromisoformat(when), value, "mg/dL", None, accession)


def test_ambiguous_duplicates_are_never_merged() -> None:
    # a source holding two identical results: which one is the other source's? neither is merged
    assert collapse([("G", _key(1)), ("C", _key(1)), ("C", _key(1))]) == [[0], [1], [2]]
    # two lab numbers for one content: each merges with its own, the bare one with neither
    keys = [("G", _key(1, accession="A")), ("C", _key(1, accession="B")), ("T", _key(1)), ("V", _key(1, accession="A"))]
    assert collapse(keys) == [[0, 3], [1], [2]]
    # the value decides to 6 significant digits, the time to the minute, whatever the offset
    assert _key(92) == _key(92.0000001)
    assert _key(92.1) != _key(92.0)
    assert _key(1, "2024-03-01T09:00:30+01:00") == _key(1)
    assert _key(1, "2024-03-01T08:01:00Z") != _key(1)
    # without a LOINC code, a time or a value, nothing says two results are one
    assert lab_identity(None, dt.datetime.now(dt.UTC), 1.0, "mg/dL", None, "A") is None
    assert lab_identity("2345-7", dt.datetime.now(dt.UTC), None, None, "  ", "A") is None


def test_an_accession_alone_never_merges() -> None:
    # one accession (one specimen) holds several tests: the same lab number on two codes is two results
    a, b = _key(1, code="2093-3", accession="A"), _key(1, code="2085-9", accession="A")
    assert collapse([("G", a), ("C", copy.copy(b))]) == [[0], [1]]
