"""Cohort counts agree with the sandboxes' own data, cell by cell; small cells are suppressed."""

from __future__ import annotations

import base64
from collections import Counter
from typing import Any

from tests.access.conftest import code
from tests.mart.conftest import COHORT, Gateway
from tests.mart.truth import Truth
from tests.support.gql import gql

HIGH_A1C = {"labs": [{"code": "4548-4", "interpretations": ["HIGH", "CRITICAL_HIGH"]}]}


def _facility(cell: dict[str, Any]) -> str | None:
    if cell["facility"] is None:
        return None
    raw = cell["facility"]["id"]
    _, source, facility = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode().split(":", 2)
    return f"{source}:{facility}"


def _shown(cohort: dict[str, Any], key: Any) -> dict[Any, int]:
    return {key(c): c["count"] for c in cohort["cells"] if c["count"]}


async def test_everyone_is_counted_once_as_the_sandboxes_hold_them(every_count: Gateway, truth: Truth) -> None:
    cohort = await every_count.cohort({}, ["SEX"])
    assert cohort["total"] == {"count": len(truth.people), "suppressed": False}
    assert _shown(cohort, lambda c: c["sex"]) == dict(Counter(truth.sex(p) for p in truth.people))


async def test_high_a1c_by_facility_and_age_band_matches_an_independent_count(
    every_count: Gateway, truth: Truth
) -> None:
    """The issue's question: patients with an HbA1c above range, by facility and age band."""
    expected = truth.with_lab("4548-4", {"H", "HH"})
    assert len(expected) >= 2  # the demo data has such patients
    cohort = await every_count.cohort(HIGH_A1C, ["FACILITY", "AGE_BAND"])
    assert cohort["total"]["count"] == len(expected)
    cells = _shown(cohort, lambda c: (_facility(c), c["ageBand"]))
    assert cells == dict(Counter((truth.home.get(p), truth.age_band(p)) for p in expected))


async def test_condition_prefixes_and_periods(every_count: Gateway, truth: Truth) -> None:
    for prefix in ("E11", "I1", "J"):
        cohort = await every_count.cohort({"conditions": [prefix]})
        assert cohort["total"]["count"] == len(truth.with_condition(prefix)), prefix
    years = (2020, 2024)
    period = {"conditions": ["J"], "period": {"fromYear": years[0], "toYear": years[1]}}
    cohort = await every_count.cohort(period)
    assert cohort["total"]["count"] == len(truth.with_condition("J", years))
    both = await every_count.cohort({"conditions": ["E11"], **HIGH_A1C})
    assert both["total"]["count"] == len(truth.with_condition("E11") & truth.with_lab("4548-4", {"H", "HH"}))


async def test_cells_below_the_threshold_are_suppressed_and_flagged(demo_gateway: Gateway, truth: Truth) -> None:
    everyone = await demo_gateway.cohort({}, ["FACILITY"])
    assert everyone["threshold"] == 11 and everyone["total"]["count"] == len(truth.people) >= 11
    homes = Counter(truth.home.get(p) for p in truth.people)
    for cell in everyone["cells"]:
        real = homes.get(_facility(cell), 0)
        if cell["suppressed"]:
            assert cell["count"] is None
        else:
            assert cell["count"] == real >= 11
    assert any(c["suppressed"] for c in everyone["cells"])  # the empty and the small ones
    few = await demo_gateway.cohort(HIGH_A1C, ["FACILITY"])
    assert few["total"] == {"count": None, "suppressed": True}  # below the threshold: nothing shows
    assert all(c["suppressed"] and c["count"] is None for c in few["cells"])


async def test_every_cell_of_the_grid_is_answered(demo_gateway: Gateway) -> None:
    """Which combinations exist is not told by which cells come back."""
    cohort = await demo_gateway.cohort({"conditions": ["E11"]}, ["SEX", "SERVICE"])
    assert len(cohort["cells"]) == 5 * 5  # female, male, other, unknown, none x four services, none
    assert len({(c["sex"], c["service"]) for c in cohort["cells"]}) == 25


async def test_members_are_pseudonymous_and_open_by_node(demo_stack: Any, demo_gateway: Gateway) -> None:
    query = "{ cohort(criteria: {}) { total { count } patients(first: 3) { patients { id pseudonym } " \
            "pageInfo { hasNextPage endCursor } } } }"
    status, body = await gql(demo_gateway.url, query, token=demo_gateway.token)
    page = body["data"]["cohort"]["patients"]
    assert status == 200 and len(page["patients"]) == 3 and page["pageInfo"]["hasNextPage"]
    first = page["patients"][0]
    _, opened = await gql(demo_gateway.url, "query($id: ID!) { node(id: $id) { ... on Patient { dodId } } }",
                          {"id": first["id"]}, token=demo_gateway.token)
    assert opened["data"]["node"]["dodId"] == first["pseudonym"]
    after = page["pageInfo"]["endCursor"]
    next_query = query.replace("patients(first: 3)", "patients(first: 3, after: $a)")
    next_query = next_query.replace("{ cohort", "query($a: String) { cohort", 1)
    _, more = await gql(demo_gateway.url, next_query, {"a": after}, token=demo_gateway.token)
    following = [p["pseudonym"] for p in more["data"]["cohort"]["patients"]["patients"]]
    assert following and min(following) > max(p["pseudonym"] for p in page["patients"])
    few = "{ cohort(criteria: {labs: [{code: \"4548-4\", interpretations: [HIGH]}]}) { patients { patients { id } } } }"
    _, small = await gql(demo_gateway.url, few, token=demo_gateway.token)
    assert small["data"]["cohort"]["patients"] is None  # no members of a cohort below the threshold


async def test_only_analysts_ask_and_bad_criteria_are_named(demo_stack: Any, demo_gateway: Gateway) -> None:
    for persona in ("P1", "C1"):
        _, body = await gql(demo_stack, COHORT, {"criteria": {}}, token=demo_stack.info()["tokens"][persona])
        assert code(body) == "FORBIDDEN", persona
    for criteria, argument in (({"conditions": ["not a code"]}, "criteria.conditions"),
                               ({"labs": [{"code": "A1C"}]}, "criteria.labs.code"),
                               ({"medications": ["metformin"]}, "criteria.medications"),
                               ({"sexes": ["robot"]}, "criteria.sexes"),
                               ({"period": {"fromYear": 2024, "toYear": 2020}}, "criteria.period")):
        _, body = await gql(demo_gateway.url, COHORT, {"criteria": criteria}, token=demo_gateway.token)
        assert code(body) == "BAD_USER_INPUT" and body["errors"][0]["extensions"]["argument"] == argument, criteria
    _, body = await gql(demo_gateway.url, COHORT, {"criteria": {}, "by": ["SEX", "SEX"]}, token=demo_gateway.token)
    assert code(body) == "BAD_USER_INPUT"


async def test_duplicates_across_sources_are_one_primary_row_as_in_the_live_view(demo_stack: Any) -> None:
    """P1's lab held by GENESIS and a community practice: both kept, the GENESIS copy primary."""
    from tests.mart.snapshots import rows

    labs = rows(demo_stack.mart_dir)["lab_results"]
    groups: dict[Any, list[Any]] = {}
    for row in labs:
        if row[2] is not None:  # dedupe_key (a keyed hash of the accession number)
            groups.setdefault((row[0], row[2]), []).append(row)
    shared = [g for g in groups.values() if len(g) > 1]
    assert shared  # the demo has such a lab
    for group in shared:
        primary = [r for r in group if r[4]]
        assert len(primary) == 1 and primary[0][3] == min(r[3] for r in group)  # the best rank wins
        assert primary[0][-1] == "GENESIS"
