"""A quick smoke test of the bench harness's parts (the harness itself runs as `make bench`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse, validate

from bench.goals import evaluate
from bench.load import HttpRequest, lua_data
from bench.measure import RunResult, _answered_at, _waves
from bench.operations import OPERATIONS_DIR, OperationFileError, load_operation, load_operations
from bench.profile import top_costs
from bench.scenarios import PatientGroups
from sandbox.data import generate
from schema import build_schema

_PEER_DOCUMENT = Path(__file__).resolve().parents[2] / "bench" / "peers" / "PortalHomeGenesis.graphql"


def test_every_operation_is_one_named_operation_the_served_schema_accepts() -> None:
    schema = build_schema()._schema
    operations = load_operations()
    assert {"PortalHome", "ClinicianPanel", "LabHistoryPage", "MobileHome", "Typename"} <= set(operations)
    for op in [*operations.values(), load_operation(_PEER_DOCUMENT)]:
        assert op.purpose, op.path
        assert validate(schema, parse(op.text)) == [], op.path


def test_an_operation_file_with_two_operations_or_no_comment_is_refused(tmp_path: Path) -> None:
    two = tmp_path / "Two.graphql"
    two.write_text("# for a patient\nquery Two { __typename }\nquery Other { __typename }\n")
    with pytest.raises(OperationFileError, match="2 named operations"):
        load_operation(two)
    bare = tmp_path / "Bare.graphql"
    bare.write_text("query Bare { __typename }\n")
    with pytest.raises(OperationFileError, match="comment"):
        load_operation(bare)
    assert len(list(OPERATIONS_DIR.glob("*.graphql"))) == len(load_operations())


def test_the_genesis_only_patients_are_in_no_other_source() -> None:
    data = generate(extra_patients=16)
    groups = PatientGroups.of(16)
    community = {i["value"] for r in data.community if r["resourceType"] == "Patient" for i in r.get("identifier", [])}
    tol = {account.dod_id for account in data.tol.accounts}
    genesis = {i["value"] for r in data.genesis if r["resourceType"] == "Patient" for i in r.get("identifier", [])}
    assert len(groups.genesis_only) == 5  # P4 and extras 3, 7, 11, 15
    for dod_id in groups.genesis_only:
        assert dod_id in genesis and dod_id not in community and dod_id not in tol


def test_the_wrk_data_file_quotes_any_body() -> None:
    tricky = 'a "]]" and "]=]" inside'
    text = lua_data([HttpRequest("POST", "/graphql", {"Authorization": "Bearer x"}, tricky)], None)
    assert "[==[" + tricky + "]==]" in text
    assert "[ [=[Authorization]=] ]" in text  # `[[` would open a Lua long string


def test_waves_are_groups_of_answers_apart_by_more_than_half_the_latency() -> None:
    # as the recorder lists them: two answered together, then one, then two; a token request left out
    recorded = [
        {"seq": 1, "at": 100.000, "path": "/fhir/Patient"}, {"seq": 2, "at": 100.004, "path": "/fhir/Patient"},
        {"seq": 3, "at": 100.010, "path": "/auth/token"},
        {"seq": 4, "at": 100.031, "path": "/fhir/Observation"},
        {"seq": 5, "at": 100.060, "path": "/fhir/Binary/b1"}, {"seq": 6, "at": 100.062, "path": "/portal/v1/renewals"},
    ]
    answered = _answered_at(recorded)
    assert len(answered) == 5  # the portal's requests are upstream calls too
    assert _waves(answered, gap=0.010) == 3
    assert _waves([], gap=0.010) == 0


def _result(server: str, scenario: str, workers: int, conns: int, rate: float, cpu_ms: float) -> RunResult:
    return RunResult(server=server, scenario=scenario, workers=workers, connections=conns, latency_injected_ms=20,
                     seconds=10.0, requests=int(rate * 10), rate=rate, latency_ms={"p50": 50.0}, failed=0,
                     apq_misses=0, cpu_s={"genesis sandbox": 1.0}, cpu_ms_per_op={"server": cpu_ms},
                     upstream_per_op={}, upstream_paths={}, token_requests=0, rss_mb={}, wrk_cpu_s=0.0)


def test_the_peer_targets_are_ratios_of_the_same_work() -> None:
    results = [_result("gateway", "portal_genesis", 1, 50, 300.0, 2.0),
               _result("mesh", "mesh_portal_genesis", 1, 50, 100.0, 3.0)]
    goals = {g.name: g for g in evaluate(results)}
    assert (goals["peer_rate"].value, goals["peer_rate"].met) == (3.0, True)
    assert (goals["peer_cpu"].value, goals["peer_cpu"].met) == (0.67, True)
    slower = [_result("gateway", "portal_genesis", 1, 50, 150.0, 2.0), results[1]]
    assert {g.name: g for g in evaluate(slower)}["peer_rate"].met is False
    assert {g.name: g for g in evaluate(results[1:])}["peer_rate"].met is None  # not measured


def test_profile_costs_count_own_and_inclusive_time_by_function_and_package(tmp_path: Path) -> None:
    collapsed = tmp_path / "stacks.txt"  # py-spy prints files relative to their sys.path entry
    collapsed.write_text(
        "process 1;run (asyncio/base_events.py:600);execute (strawberry/schema.py:10);"
        "parse (graphql/language/parser.py:5) 30\n"
        "process 1;run (asyncio/base_events.py:600);execute (strawberry/schema.py:10) 10\n"
        "process 1;run (asyncio/base_events.py:600);load (resolvers/loaders.py:3) 60\n"
    )
    costs = top_costs(collapsed)
    assert costs["samples"] == [("busy samples", 100.0)]
    assert costs["self_pct"][0] == ("load (resolvers/loaders.py)", 60.0)
    assert ("execute (strawberry/schema.py)", 40.0) in costs["total_pct"]
    by_package = dict(costs["self_by_package_pct"])
    assert by_package == {"resolvers/ (this project)": 60.0, "graphql": 30.0, "strawberry": 10.0}
    assert dict(costs["total_by_package_pct"])["stdlib asyncio"] == 100.0
    assert dict(costs["phases_pct"]) == {"GraphQL parsing": 30.0, "resolvers/ (federation, loaders, rules)": 60.0}
