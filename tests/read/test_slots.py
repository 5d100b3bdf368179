"""availableSlots: free GENESIS slots in a window, soonest first, optionally at one facility."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.read.conftest import Ask

QUERY = """query($f: DateTime!, $t: DateTime!, $fac: ID) {
  availableSlots(service: PRIMARY_CARE, from: $f, to: $t, facilityId: $fac) { id start end facility { id name } } }"""


def _free_primary_care(data: Any, location: str, start: dt.datetime, end: dt.datetime) -> int:
    schedules = {
        r["id"]
        for r in data.genesis
        if r["resourceType"] == "Schedule" and any(a["reference"] == f"Location/{location}" for a in r["actor"])
    }
    return sum(
        1
        for r in data.genesis
        if r["resourceType"] == "Slot"
        and r["status"] == "free"
        and r["schedule"]["reference"].split("/")[1] in schedules
        and r["serviceCategory"][0]["coding"][0]["code"] == "17"
        and start <= dt.datetime.fromisoformat(r["start"]) <= end
    )


async def test_a_facility_filter_finds_every_free_slot_of_that_facility(ask: Ask, demo_stack: Any) -> None:
    _, team = await ask("P1", "{ me { primaryCareTeam { facility { id } } } }")
    facility = team["data"]["me"]["primaryCareTeam"]["facility"]["id"]
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    end = start + dt.timedelta(days=25)
    status, body = await ask("P1", QUERY, {"f": start.isoformat(), "t": end.isoformat(), "fac": facility})
    assert status == 200 and "errors" not in body, body
    slots = body["data"]["availableSlots"]
    expected = _free_primary_care(demo_stack.data, "loc-bragg", start, end)
    assert expected > 0
    assert len(slots) == min(expected, 100)
    assert {s["facility"]["id"] for s in slots} == {facility}
    starts = [dt.datetime.fromisoformat(s["start"]) for s in slots]
    assert starts == sorted(starts)
    assert all(s["start"].endswith(("-05:00", "-04:00")) for s in slots)  # the facility's own offset


async def test_a_window_without_offset_or_too_long_is_refused(ask: Ask) -> None:
    _, naive = await ask("P1", QUERY, {"f": "2026-12-01T00:00:00", "t": "2026-12-02T00:00:00+00:00"})
    assert naive["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    _, long = await ask("P1", QUERY, {"f": "2026-12-01T00:00:00+00:00", "t": "2027-06-01T00:00:00+00:00"})
    assert long["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
