"""The cost model (IBM GraphQL Cost Directives): leaves 0, objects 1, lists by `first` or their
declared size, mutations 10, computed on coerced variables; the default maximum leaves every
operation in operations/ room to spare and refuses the hostile shapes."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNonNull, OperationDefinitionNode, get_named_type, is_leaf_type, parse

from gateway.config import LimitsConfig
from gateway.limits import CostLimits, PageSizeRefused, estimate_cost
from gateway.operations import load_operations
from schema import build_schema
from schema.costs import LIST_SIZES
from tests.access.test_limits import OVER_LIMIT, THREADS

SCHEMA = build_schema()._schema
DEFAULTS = LimitsConfig()
UNLIMITED = CostLimits(maximum=10**9, default_list_size=DEFAULTS.list_weight, max_page_size=DEFAULTS.max_page_size)


def cost(query: str, variables: dict[str, Any] | None = None, limits: CostLimits = UNLIMITED) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return estimate_cost(SCHEMA, document, operation, variables, limits)


@pytest.mark.parametrize(("query", "expected"), [
    ("{ me { dodId birthDate gender } }", 1),  # scalars cost nothing
    ("{ me { name { text } } }", 2),
    ("{ me { labResults(first: 7) { totalCount edges { node { id } } } } }", 1 + 1 + 7 * 2),
    ("{ me { labResults { edges { cursor node { id } } } } }", 2 + 20 * 2),  # the schema's default `first`
    ("{ me { conditions { display code { code } } } }", 1 + 50 * 2),  # a declared size
    ("{ me { sourceCoverage { state } } }", 1 + 5),
    ("{ me { labResults(first: 2) { edges { node { provenance { alsoIn } } } } } }", 2 + 2 * 3),  # enums: 0
    ("{ me { messageThreads(first: 3) { edges { node { messages(first: 4) { edges { node { id } } } } } } } }",
     2 + 3 * (2 + 1 + 4 * 2)),
    ("mutation { bookAppointment(input: {slotId: \"s\", idempotencyKey: \"k\"}) { userErrors { code } } }", 10 + 3),
    ("{ __schema { types { name fields { name } } } }", 0),  # introspection is not counted
])
def test_the_spec_s_weights(query: str, expected: int) -> None:
    assert cost(query) == expected


@pytest.mark.parametrize("variables", [{"n": 7}, {"n": 7.0}, {}])
def test_variables_count_as_they_coerce(variables: dict[str, Any]) -> None:
    query = "query($n: Int = 7) { me { labResults(first: $n) { edges { node { id } } } } }"
    assert cost(query, variables) == 2 + 7 * 2


@pytest.mark.parametrize(("query", "variables"), [
    ("{ me { labResults(first: 101) { totalCount } } }", None),
    ("query($n: Int) { me { labResults(first: $n) { totalCount } } }", {"n": -1}),
    ("query($n: Int = 500) { me { labResults(first: $n) { totalCount } } }", None),
])
def test_a_page_out_of_range_is_refused(query: str, variables: dict[str, Any] | None) -> None:
    with pytest.raises(PageSizeRefused) as refused:
        cost(query, variables)
    assert refused.value.extensions == {"code": "BAD_USER_INPUT", "argument": "first"}


def test_every_list_of_objects_has_a_declared_size() -> None:
    sized: set[str] = set()  # Type.field that a connection's slicing argument sizes
    for key, entry in LIST_SIZES.items():
        parent, name = key.split(".")
        returned = get_named_type(SCHEMA.get_type(parent).fields[name].type)  # type: ignore[union-attr]
        sized |= {f"{returned}.{field}" for field in entry.sized_fields}
    missing = []
    for name, kind in SCHEMA.type_map.items():
        if name.startswith("__") or not hasattr(kind, "fields") or not hasattr(kind, "interfaces"):
            continue
        for field_name, field in kind.fields.items():
            inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if not isinstance(inner, GraphQLList) or is_leaf_type(get_named_type(field.type)):
                continue
            if f"{name}.{field_name}" not in LIST_SIZES and f"{name}.{field_name}" not in sized:
                missing.append(f"{name}.{field_name}")
    assert sized and missing == [], f"declare a size in schema/costs.py for {missing}"


def _operation_costs() -> dict[str, int]:
    costs = {}
    for operation in load_operations():
        variables = operation.variables_on("2026-01-01T00:00:00+00:00", {30: "2026-01-31T00:00:00+00:00"})
        costs[operation.name] = cost(operation.text, {k: v if v != "" else "x" for k, v in variables.items()})
    return costs


def test_every_operation_fits_in_half_the_default_maximum() -> None:
    costs = _operation_costs()
    assert {"WholeRecord", "DentalQuestionnaire", "ClinicianPanel"} <= set(costs)
    over = {name: c for name, c in costs.items() if c > DEFAULTS.max_cost // 2}
    assert over == {}, over
    assert costs["WholeRecord"] > 1000 and costs["DentalQuestionnaire"] > 1000  # they are counted, not skipped


@pytest.mark.parametrize("query", [OVER_LIMIT["cost"], THREADS], ids=["nested questionnaires", "threads x messages"])
def test_the_hostile_shapes_pass_the_default_maximum(query: str) -> None:
    limits = CostLimits(maximum=DEFAULTS.max_cost, default_list_size=DEFAULTS.list_weight,
                        max_page_size=DEFAULTS.max_page_size)
    assert cost(query, {"n": 100}, limits) > DEFAULTS.max_cost
