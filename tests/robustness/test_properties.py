"""A bounded property: whatever JSON (or near-JSON) arrives, the answer is clean and coded."""

from __future__ import annotations

import asyncio
import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.robustness.conftest import Answer, assert_clean, assert_still_answers

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Text with the awkward parts over-represented: NUL, lone surrogates, controls, RTL marks, astral.
awkward = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x00", "\ud800", "\udfff", "\x1f", "\u202e", "\U0001f489", '"', "\\", "{", "$"]),
    ),
    max_size=40,
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False), awkward)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(awkward, inner, max_size=4)), max_leaves=12)
QUERIES = [
    "query($a: String) { healthTopics(search: $a) { id } }",
    "query($a: ID!) { node(id: $a) { id } }",
    "query($a: Int, $b: String) { me { labResults(first: $a, after: $b) { totalCount } } }",
    "query($a: DateTime, $b: DateTime) { me { appointments(from: $a, to: $b) { totalCount } } }",
    "query($a: String!) { patient(dodId: $a) { dodId } }",
    "mutation($a: ID!, $b: String!) { cancelAppointment(input: {appointmentId: $a, idempotencyKey: $b}) "
    "{ userErrors { code } } }",
]
payloads = st.one_of(
    st.fixed_dictionaries({"query": st.sampled_from(QUERIES), "variables": st.fixed_dictionaries(
        {"a": values, "b": values})}),
    st.dictionaries(st.sampled_from(["query", "variables", "operationName", "extensions"]), values, max_size=4),
    values,
)


def _post(url: str, token: str, raw: bytes) -> Answer:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request("POST", parts.path, body=raw, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json",
            "Accept": "application/json"})
        response = connection.getresponse()
        return Answer(response.status, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


def _run_property(url: str, token: str) -> None:
    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(payload=payloads)
    def answers_are_clean(payload: Any) -> None:
        # ensure_ascii keeps lone surrogates as \\udXXX escapes, as a client's JSON encoder would
        assert_clean(_post(url, token, json.dumps(payload).encode()))

    answers_are_clean()


async def test_any_json_gets_a_clean_answer(demo_stack: Any) -> None:
    info = demo_stack.info()
    # the gateway runs on this event loop: the blocking client runs in a thread
    await asyncio.to_thread(_run_property, info["graphql_url"], info["tokens"]["P1"])
    await assert_still_answers(info["graphql_url"], info["tokens"]["P1"])


def _documents() -> list[str]:
    """One document per field that takes arguments (root queries, the patient's lists, every
    mutation), each argument a variable of its declared type: every argument gets hostile values."""
    from graphql import GraphQLObjectType

    from schema import build_schema

    schema = build_schema()._schema
    out = []
    for root, type_name in (("query", "Query"), ("query", "Patient"), ("mutation", "Mutation")):
        kind = schema.get_type(type_name)
        assert isinstance(kind, GraphQLObjectType)
        for name, field in kind.fields.items():
            if not field.args:
                continue
            names = {arg: f"v{i}" for i, arg in enumerate(field.args)}
            declared = ", ".join(f"${v}: {field.args[a].type}" for a, v in names.items())
            call = f"{name}({', '.join(f'{a}: ${v}' for a, v in names.items())}) {{ __typename }}"
            out.append(f"{root}({declared}) {{ {'me { ' + call + ' }' if type_name == 'Patient' else call} }}")
    return out


def _run_every_argument(url: str, token: str) -> None:
    documents = _documents()
    assert len(documents) >= 15

    @settings(max_examples=10 * len(documents), deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(document=st.sampled_from(documents),
           variables=st.dictionaries(st.sampled_from([f"v{i}" for i in range(6)]), values, max_size=6))
    def every_argument(document: str, variables: dict[str, Any]) -> None:
        assert_clean(_post(url, token, json.dumps({"query": document, "variables": variables}).encode()))

    every_argument()


async def test_hostile_values_for_every_argument_get_a_clean_answer(demo_stack: Any) -> None:
    info = demo_stack.info()
    await asyncio.to_thread(_run_every_argument, info["graphql_url"], info["tokens"]["P1"])
    await assert_still_answers(info["graphql_url"], info["tokens"]["P1"])
