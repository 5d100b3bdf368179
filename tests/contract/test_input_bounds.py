"""Input bounds: every entry names a real input; every text and list input is bounded; huge inputs
are refused before anything runs, naming the argument, whether literal or variable."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull, get_named_type

from schema import build_schema
from schema.input_bounds import ITEMS, TEXT
from tests.support.gql import gql


def _inputs() -> dict[str, str]:
    """Every text or list input of the served schema, by bound key: 'text' or 'list'."""
    found: dict[str, str] = {}

    def walk(key: str, kind: Any, seen: frozenset[str]) -> None:
        while isinstance(kind, GraphQLNonNull):
            kind = kind.of_type
        if isinstance(kind, GraphQLList):
            found[key] = "list"
            walk(f"{key}[]", kind.of_type, seen)
        elif isinstance(kind, GraphQLInputObjectType) and kind.name not in seen:
            for name, spec in kind.fields.items():
                walk(f"{key}.{name}", spec.type, seen | {kind.name})
        elif get_named_type(kind).name in ("String", "ID"):
            found[key] = "text"

    schema = build_schema()._schema
    for type_name, kind in schema.type_map.items():
        for field_name, field in getattr(kind, "fields", {}).items() if not type_name.startswith("__") else ():
            for arg_name, arg in getattr(field, "args", {}).items():
                walk(f"{type_name}.{field_name}.{arg_name}", arg.type, frozenset())
    return found


def test_every_bound_names_an_input_of_the_schema() -> None:
    inputs = _inputs()
    assert {k for k in TEXT if inputs.get(k) != "text"} == set()
    assert {k for k in ITEMS if inputs.get(k) != "list"} == set()


HUGE = "x" * 300_000


@pytest.mark.parametrize(
    ("query", "variables", "argument"),
    [
        ('{ healthTopics(search: "' + HUGE + '") { id } }', None, "search"),
        ("query($s: String) { healthTopics(search: $s) { id } }", {"s": HUGE}, "search"),
        ("query($d: String!) { patient(dodId: $d) { dodId } }", {"d": HUGE}, "dodId"),
        ("query($c: String) { me { labResults(code: $c) { totalCount } } }", {"c": HUGE}, "code"),
        ("""mutation($i: SendSecureMessageInput!) { sendSecureMessage(input: $i) { userErrors { code } } }""",
         {"i": {"careTeamId": "x", "subject": "s", "body": HUGE, "idempotencyKey": "k"}}, "input.body"),
        ("""mutation($i: SubmitQuestionnaireResponseInput!) { submitQuestionnaireResponse(input: $i) {
            userErrors { code } } }""",
         {"i": {"assignmentId": "x", "idempotencyKey": "k", "answers": [{"linkId": "a"}] * 600}}, "input.answers"),
    ],
    ids=["literal search", "variable search", "dod id", "lab code", "message body", "too many answers"],
)
async def test_a_huge_input_is_refused_unexecuted_naming_the_argument(
    demo_stack: Any, query: str, variables: Any, argument: str
) -> None:
    status, body = await gql(demo_stack, query, variables, token=demo_stack.info()["tokens"]["P1"])
    assert status == 400 and "data" not in body, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["argument"] == argument
    assert len(error["message"]) < 200  # the input is not echoed back
