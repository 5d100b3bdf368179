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
