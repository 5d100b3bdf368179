"""Merging pages across sources: order, duplicates, and where each source stands afterwards."""

from __future__ import annotations

import datetime as dt

from resolvers.federation import merge_pages
from sources.base import Page
from sources.community import COMMUNITY
from sources.genesis import GENESIS
from sources.records import Coding, LabResultRecord, Provenance, RecordSource
from sources.tol import TOL_ARCHIVE

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _lab(source: RecordSource, sid: str, hours: int, accession: str | None = None) -> LabResultRecord:
    return LabResultRecord(
        provenance=Provenance(source, sid, T0),
        patient_id="p",
        code=Coding("http://loinc.org", "1"),
        display="x",
        effective_at=T0 + dt.timedelta(hours=hours),
        status="final",
        business_id=accession,
    )


def test_a_source_not_yet_read_is_not_marked_exhausted() -> None:
    genesis = Page(tuple(_lab(GENESIS, f"g{i}", 100 - i) for i in range(3)), has_more=True)
    community = Page((_lab(COMMUNITY, "c1", 1),), has_more=False)
    merged = merge_pages({GENESIS: genesis, COMMUNITY: community}, 2, {})
    assert [m.record.provenance.source_id for m in merged.items] == ["g0", "g1"]
    assert merged.has_next
    assert COMMUNITY not in merged.positions  # still to be read from the start
    assert merged.positions[GENESIS] is not None


def test_duplicates_come_back_once_from_the_most_authoritative_source() -> None:
    genesis = Page((_lab(GENESIS, "g1", 5, "ACC-1"),), has_more=False)
    community = Page((_lab(COMMUNITY, "c1", 5, "ACC-1"), _lab(COMMUNITY, "c2", 4)), False)
    tol = Page((_lab(TOL_ARCHIVE, "t1", 5, "ACC-1"),), has_more=False)
    merged = merge_pages(
        {TOL_ARCHIVE: tol, COMMUNITY: community, GENESIS: genesis}, 10, {}
    )
    ids = [m.record.provenance.source_id for m in merged.items]
    assert ids == ["g1", "c2"]
    assert merged.items[0].record.provenance.also_in == (COMMUNITY, TOL_ARCHIVE)
    assert not merged.has_next
    assert all(merged.positions[s] is None for s in (GENESIS, COMMUNITY))


def test_records_at_one_instant_page_in_the_order_their_source_pages() -> None:
    # Sources page newest first with ties by id descending; the merge must agree, or the next
    # page (asked from the last position) would repeat one record and skip another.
    genesis = Page((_lab(GENESIS, "g2", 5), _lab(GENESIS, "g1", 5)), has_more=True)
    merged = merge_pages({GENESIS: genesis}, 1, {})
    assert [m.record.provenance.source_id for m in merged.items] == ["g2"]
    position = merged.positions[GENESIS]
    assert position is not None and position.id == "g2"
