"""A denied read answers exactly the same for a patient who exists and one who does not, even
while a source is failing: no SOURCE_UNAVAILABLE / SOURCE_TIMEOUT error (which only comes from
asking about someone the sources know) may ride along with the FORBIDDEN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

import pytest

from resolvers.context import RequestContext
from resolvers.principal import Principal, Role
from resolvers.services import Services
from schema import build_schema
from sources.base import Page, PatientKey, Query
from sources.community import COMMUNITY
from sources.errors import SourceError, SourceTimeout, SourceUnavailable
from sources.genesis import GENESIS
from sources.records import (
    CareTeamRecord,
    Demographics,
    FacilityRecord,
    HumanName,
    Link,
    LinkedRef,
    Provenance,
    RecordKind,
    RecordSource,
)
from sources.tol import TOL_ARCHIVE

KNOWN, UNKNOWN = "1000000001", "1999999999"
QUERY = "query($d: String!) { patient(dodId: $d) { dodId } }"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class _Genesis:
    name: ClassVar[RecordSource] = GENESIS
    provides: ClassVar[frozenset[RecordKind]] = frozenset({RecordKind.CARE_TEAM})

    def __init__(self, *, care_team_fails: bool = False, link_fails: bool = False) -> None:
        self.care_team_fails = care_team_fails
        self.link_fails = link_fails

    async def link(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        if self.link_fails:
            return [SourceTimeout(self.name) for _ in patients]
        out: list[Link | SourceError] = []
        for key in patients:
            if key.dod_id != KNOWN:
                out.append(Link(self.name, key.dod_id))
                continue
            who = Demographics(self.name, "g-1", KNOWN, HumanName(("Pat",), "Known"), dt.date(1990, 1, 1), "female")
            out.append(Link(self.name, KNOWN, (LinkedRef("g-1"),), who))
        return out

    async def fetch(self, kind: RecordKind, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        if self.care_team_fails:
            return [SourceUnavailable(self.name, "care team search failed") for _ in queries]
        team = CareTeamRecord(
            Provenance(self.name, "ct-1", NOW), "Team", FacilityRecord("loc-home", "Home", True), (), "g-1"
        )
        return [Page((team,), False) for _ in queries]


class _Community:
    """Asks `$match` only for patients GENESIS knows (it needs their demographics): that is
    where it times out."""

    name: ClassVar[RecordSource] = COMMUNITY
    provides: ClassVar[frozenset[RecordKind]] = frozenset()

    async def link(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        return [
            SourceTimeout(self.name) if key.demographics is not None else Link(self.name, key.dod_id)
            for key in patients
        ]


class _Tol:
    """Knows the patient by DoD ID; holds no care teams."""

    name: ClassVar[RecordSource] = TOL_ARCHIVE
    provides: ClassVar[frozenset[RecordKind]] = frozenset()

    async def link(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        return [Link(self.name, k.dod_id, (LinkedRef("t-1"),) if k.dod_id == KNOWN else ()) for k in patients]


async def _ask(sources: dict[RecordSource, Any], principal: Principal, dod_id: str) -> list[dict[str, Any]]:
    context = RequestContext(Services(sources=sources), principal, "req-oracle")
    result = await build_schema().execute(QUERY, variable_values={"d": dod_id}, context_value=context)
    assert result.data == {"patient": None}
    return [{"message": e.message, "extensions": e.extensions, "path": e.path} for e in result.errors or ()]


ELSEWHERE = Principal(Role.CLINICIAN, "prac-9", facility="loc-other", strong_auth=True)


@pytest.mark.parametrize(
    ("sources", "code"),
    [
        # $match fails: it is asked only once the clinician is let in, so the denial is plain
        pytest.param(lambda: {GENESIS: _Genesis(), COMMUNITY: _Community()}, "FORBIDDEN", id="match"),
        # the care team cannot be read: for nobody too (a decoy read), so "try again" tells nothing
        pytest.param(lambda: {GENESIS: _Genesis(care_team_fails=True)}, "SOURCE_UNAVAILABLE", id="care-team"),
        # GENESIS cannot say whether it knows anyone: the care team is unknown, for both alike
        pytest.param(lambda: {GENESIS: _Genesis(link_fails=True), TOL_ARCHIVE: _Tol()}, "SOURCE_UNAVAILABLE",
                     id="genesis-link"),
    ],
)
async def test_a_failing_source_does_not_tell_a_denied_clinician_who_exists(sources: Any, code: str) -> None:
    known = await _ask(sources(), ELSEWHERE, KNOWN)
    unknown = await _ask(sources(), ELSEWHERE, UNKNOWN)
    assert [e["extensions"]["code"] for e in unknown] == [code]
    assert known == unknown


async def test_a_clinician_at_the_patients_facility_is_told_to_retry_when_genesis_cannot_say() -> None:
    # GENESIS (which holds the care team that decides) timed out; the TOL archive knows the patient:
    # the clinician's access is unknown, which is "try again", never "you may not see this record"
    home = Principal(Role.CLINICIAN, "prac-1", facility="loc-home", strong_auth=True)
    errors = await _ask({GENESIS: _Genesis(link_fails=True), TOL_ARCHIVE: _Tol()}, home, KNOWN)
    assert [e["extensions"]["code"] for e in errors] == ["SOURCE_UNAVAILABLE"], errors
