"""Every request limit refuses before any source is asked (the sandboxes count zero requests)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from tests.access.conftest import Ask, AuditLog, Upstreams, code, new_request_id
from tests.support.recovery import sources_recovered

THREADS = """query($n: Int!) { me { messageThreads(first: $n) { edges { node {
    messages(first: $n) { edges { node { sentAt } } } } } } } }"""


def _deep(levels: int) -> str:
    """me → appointments → … → questionnaire → appointment → … (`levels` fields deep)."""
    inner, fields = "id", ["me", "appointments", "edges", "node"]
    while len(fields) < levels:
        fields += ["questionnaire", "appointment"]
    for name in reversed(fields[:levels]):
        inner = f"{name} {{ {inner} }}"
    return "{ " + inner + " }"


OVER_LIMIT = {
    "tokens": "{ me { " + "dodId " * 5_000 + "} }",
    "depth": _deep(14),
    "aliases": "{ me { " + " ".join(f"a{i}: dodId" for i in range(31)) + " } }",
    "root fields": "{ " + " ".join(f"r{i}: me {{ dodId }}" for i in range(11)) + " }",
    "cost": "{ me { labResults(first: 100) { edges { node { healthTopics { codes { code } } } } } } }",
}


@pytest.mark.parametrize("limit", sorted(OVER_LIMIT))
async def test_over_a_limit_is_refused_unexecuted(
    ask: Ask, upstreams: Upstreams, audit_log: AuditLog, limit: str
) -> None:
    request_id = new_request_id()
    await upstreams.reset()
    status, body = await ask("P1", OVER_LIMIT[limit], None, {"X-Request-Id": request_id})
    assert status == 400
    assert code(body) == "QUERY_TOO_COMPLEX", body
    assert "data" not in body
    assert await upstreams.requests() == {"genesis": 0, "community": 0}
    assert await audit_log.none_for(request_id, settle=lambda: _audited_read(ask))


async def _audited_read(ask: Ask) -> str:
    request_id = new_request_id()
    await ask("P1", "{ me { dodId } }", None, {"X-Request-Id": request_id})
    return request_id


async def test_just_under_the_limits_runs(ask: Ask) -> None:
    status, body = await ask("P1", _deep(12))
    assert status == 200 and "errors" not in body, body
    status, body = await ask("P1", "{ " + " ".join(f"r{i}: me {{ dodId }}" for i in range(10)) + " }")
    assert status == 200 and body["data"]["r9"]["dodId"] == "1000000001"


async def test_cost_counts_first_from_variables(ask: Ask, upstreams: Upstreams) -> None:
    status, body = await ask("P1", THREADS, {"n": 3})
    assert status == 200 and body["data"]["me"]["messageThreads"]["edges"]
    await upstreams.reset()
    status, body = await ask("P1", THREADS, {"n": 100})  # 100 threads x 100 messages
    assert status == 400 and code(body) == "QUERY_TOO_COMPLEX"
    assert body["errors"][0]["extensions"]["limit"] == "estimated cost"
    assert await upstreams.requests() == {"genesis": 0, "community": 0}


async def test_cost_counts_fragments(ask: Ask) -> None:
    query = """{ me { ...Labs } } fragment Labs on Patient {
        labResults(first: 100) { edges { node { ...Topics } } } }
        fragment Topics on LabResult { healthTopics { codes { code system display } } }"""
    status, body = await ask("P1", query)
    assert status == 400 and code(body) == "QUERY_TOO_COMPLEX"


async def test_a_body_over_one_megabyte_is_413(demo_stack: Any, upstreams: Upstreams) -> None:
    await upstreams.reset()
    payload = json.dumps({"query": "{ me { dodId } }", "variables": {"pad": "x" * 1_000_001}})
    token = demo_stack.info()["tokens"]["P1"]
    async with aiohttp.ClientSession() as http, http.post(
        demo_stack.graphql_url, data=payload,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    ) as response:
        assert response.status == 413
        assert code(await response.json()) == "PAYLOAD_TOO_LARGE"
    assert await upstreams.requests() == {"genesis": 0, "community": 0}


async def test_errors_carry_no_stack_trace_or_upstream_body(ask: Ask, demo_stack: Any) -> None:
    admin = demo_stack.info()["admin"]["genesis"].rstrip("/")
    async with aiohttp.ClientSession() as http:
        async with http.put(f"{admin}/faults", json={"error_status": 500, "error_rate": 1.0}) as response:
            assert response.status in (200, 204)
        try:
            status, body = await ask("P1", "{ me { dodId labResults(first: 2) { edges { node { id } } } } }")
        finally:
            async with http.delete(f"{admin}/faults") as response:
                assert response.status in (200, 204)
            assert await sources_recovered(demo_stack)
    text = json.dumps(body)
    assert status == 200 and "SOURCE_UNAVAILABLE" in text
    for leak in ("Traceback", "OperationOutcome", "diagnostics", ".py", "HTTP 500"):
        assert leak not in text, leak


def _fragment_bomb(fan_out: int, levels: int) -> str:
    """Each fragment spreads the next `fan_out` times: few tokens, fan_out ** levels fields."""
    spreads = [" ".join([f"...F{i + 1}"] * fan_out) for i in range(levels)]
    fragments = [f"fragment F{i} on Patient {{ {s} }}" for i, s in enumerate(spreads)]
    return "{ me { ...F0 } } " + " ".join(fragments) + f" fragment F{levels} on Patient {{ dodId }}"


def _error_flood(count: int) -> str:
    """A document with `count` validation errors (unknown fields), each in its own fragment."""
    fragments = " ".join(f"fragment E{i} on Patient {{ nope{i} }}" for i in range(count))
    return "{ me { " + " ".join(f"...E{i}" for i in range(count)) + " } } " + fragments


@pytest.mark.parametrize(
    ("query", "limit"),
    [(_fragment_bomb(10, 5), "number of fields"), (_error_flood(200), "number of validation errors")],
    ids=["fragments spread within fragments", "a flood of validation errors"],
)
async def test_documents_built_to_be_expensive_are_refused_as_too_complex(
    ask: Ask, upstreams: Upstreams, query: str, limit: str
) -> None:
    await upstreams.reset()
    status, body = await ask("P1", query)
    assert status == 400 and code(body) == "QUERY_TOO_COMPLEX", body
    assert body["errors"][0]["extensions"]["limit"] == limit and len(body["errors"]) == 1
    assert await upstreams.requests() == {"genesis": 0, "community": 0}
