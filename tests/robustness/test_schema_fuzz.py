"""Fuzzing from the served schema (schemathesis' GraphQL generator): every query field and every
mutation, with generated arguments, against the running gateway. Never a 5xx, never a stack trace,
and a mutation that was refused writes nothing upstream.

`FUZZ_EXAMPLES` (default 10) sets the examples per field and persona; `make fuzz` runs many more.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from strawberry.printer import print_schema

from schema import build_schema
from tests.robustness.conftest import Answer, assert_clean, assert_still_answers

pytestmark = pytest.mark.asyncio(loop_scope="session")

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _call(url: str, method: str = "GET", *, token: str | None = None, body: bytes | None = None) -> Answer:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                           headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


def _writes_since(admin: dict[str, str], since: dict[str, int]) -> tuple[list[str], dict[str, int]]:
    """The write requests the sandboxes answered since `since` (recorder seq), and the new marks."""
    writes, marks = [], {}
    for name, url in admin.items():
        found = json.loads(_call(f"{url}/requests?since={since.get(name, 0)}").text)["requests"]
        writes += [f"{name} {r['method']} {r['path']}" for r in found if r["method"] in WRITES
                   and "/token" not in r["path"]]
        marks[name] = found[-1]["seq"] if found else since.get(name, 0)
    return writes, marks


def _refused(answer: Answer) -> bool:
    """No data written by the mutation's answer: errors, or every payload with userErrors."""
    body = answer.json()
    if body.get("errors") or not isinstance(body.get("data"), dict):
        return True
    return all(isinstance(p, dict) and p.get("userErrors") for p in body["data"].values())


def _fuzz_operation(operation: Any, url: str, token: str, admin: dict[str, str]) -> int:
    mutation = operation.label.startswith("Mutation.")
    sent = 0

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def clean(case: Any) -> None:
        nonlocal sent
        marks = _writes_since(admin, {})[1] if mutation else {}
        answer = _call(url, "POST", token=token, body=json.dumps({"query": case.body}).encode())
        sent += 1
        assert_clean(answer)
        if mutation and _refused(answer):
            writes, _ = _writes_since(admin, marks)
            assert writes == [], (case.body, answer.text[:500], writes)

    clean()
    return sent


def _fuzz(url: str, token: str, admin: dict[str, str], sdl: Path) -> int:
    schema = schemathesis.graphql.from_path(str(sdl))
    return sum(_fuzz_operation(found.ok(), url, token, admin) for found in schema.get_all_operations())


@pytest.mark.parametrize("persona", ["P1", "C1", "A1"])
async def test_every_field_and_mutation_fuzzed_from_the_schema(demo_stack: Any, tmp_path: Path, persona: str) -> None:
    info = demo_stack.info()
    sdl = tmp_path / "schema.graphql"
    sdl.write_text(print_schema(build_schema()))
    # the gateway runs on this event loop: the blocking client runs in a thread
    sent = await asyncio.to_thread(_fuzz, info["graphql_url"], info["tokens"][persona], info["admin"], sdl)
    assert sent >= 12  # every root field was asked at least once
    await assert_still_answers(info["graphql_url"], info["tokens"]["P1"])
