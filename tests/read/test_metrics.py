"""Batching, counted by the gateway itself: 10 patients cost what 1 costs, per source and kind, except
at GENESIS, where Millennium takes no batch: a search per patient, but one for every appointment."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.support.gql import gql
from tests.support.metrics import samples, scrape

FIELDS = """labResults(first: 5) { totalCount edges { node { display } } }
    appointments(first: 5) { edges { node { start } } }
    clinicalNotes(first: 5) { edges { node { title } } }
    prescriptions(first: 5) { edges { node { display } } }
    conditions { display }
    messageThreads(first: 5) { edges { node { subject } } }"""
PATIENTS = ["1000000001", "1000000002", "1000000003", "1000000004"] + [str(2000000000 + i) for i in range(6)]


async def _upstream_counts(demo_stack: Any) -> Counter[tuple[str, str]]:
    """gateway_upstream_requests_total summed over status, by (source, kind)."""
    text = await scrape(str(demo_stack.info()["graphql_url"]).rsplit("/graphql", 1)[0] + "/metrics")
    counts: Counter[tuple[str, str]] = Counter()
    for labels, value in samples(text, "gateway_upstream_requests_total"):
        if labels["kind"] not in ("auth", "token", "check"):
            counts[(labels["source"], labels["kind"])] += int(value)
    return counts


async def _cost(demo_stack: Any, dod_ids: list[str]) -> Counter[tuple[str, str]]:
    query = "{ " + " ".join(f'p{i}: patient(dodId: "{d}") {{ {FIELDS} }}' for i, d in enumerate(dod_ids)) + " }"
    before = await _upstream_counts(demo_stack)
    glass = {"X-Break-Glass-Reason": "metrics test"}  # a clinician may then read any patient
    status, body = await gql(demo_stack, query, token=demo_stack.info()["tokens"]["C2"], headers=glass)
    assert status == 200 and "errors" not in body, body
    after = await _upstream_counts(demo_stack)
    return after - before


async def test_per_kind_upstream_requests_do_not_grow_with_patients(demo_stack: Any) -> None:
    await _cost(demo_stack, PATIENTS)  # warm what the sources keep across requests (facility names) alike for both
    one = await _cost(demo_stack, PATIENTS[:1])
    ten = await _cost(demo_stack, PATIENTS)
    kinds = {"lab_result", "appointment", "clinical_note", "prescription", "condition", "message_thread"}
    assert {k for _, k in one} >= kinds
    differ = {}
    for key in set(one) | set(ten):
        if key[1] == "patient":
            # linking: one identifier search each, then one $match per patient the practices did not
            # find by DoD ID, and one look-alike search per family name of those matched (docs/linking.md)
            continue
        if key[0] == "GENESIS":
            continue  # below
        if key[1] == "clinical_note" and key[0] != "TOL_ARCHIVE" and ten[key] <= 2:
            continue  # the search, plus one batch of Binary texts when a page holds such a note
        if ten[key] != one[key]:
            differ[key] = (one[key], ten[key])
    assert not differ, (differ, one, ten)
    # GENESIS: one search per patient and kind (plus a note's Binary, a practitioners' lookup), but
    # Appointment takes `patient=a,b,...`: one search for all ten.
    matched = ten[("COMMUNITY", "patient")] - 1  # patients the practices matched by demographics
    assert 0 <= matched <= len(PATIENTS)
    # one identifier search each, and a look-alike search per family name of those matched
    assert len(PATIENTS) <= ten[("GENESIS", "patient")] <= len(PATIENTS) + 2 * matched
    assert ten[("GENESIS", "appointment")] <= one[("GENESIS", "appointment")] + 1, (one, ten)
    for kind in ("lab_result", "prescription", "condition"):
        assert ten[("GENESIS", kind)] <= len(PATIENTS) + 1, (kind, one, ten)
    assert one[("GENESIS", "patient")] == 1 and one[("TOL_ARCHIVE", "patient")] == 1
    assert ten[("TOL_ARCHIVE", "patient")] <= 1 + 2 * matched  # look-alikes: own and the record's family name
