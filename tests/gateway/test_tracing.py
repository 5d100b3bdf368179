"""Traces: one request is a server span with parse, validate and execute under it and a client span
per upstream call (FHIR and SQL); every FHIR request the sandboxes recorded carries that trace's
`traceparent` and the gateway's request id."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import aiohttp
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind

from gateway.app import create_app
from gateway.proxies import parse_networks
from sources.calls.request import request_id_var
from sources.calls.tracing import span, sql_comment
from tests.access.conftest import new_request_id
from tests.support.servers import serve
from tests.support.tracing import capture_spans

RECORD = """{ me { dodId labResults(first: 3) { edges { node { display } } }
                 messageThreads(first: 2) { edges { node { subject } } } } }"""
CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


async def _post(url: str, token: str, headers: Mapping[str, str]) -> str:
    async with aiohttp.ClientSession() as http, http.post(
        url, json={"query": RECORD}, headers={"Authorization": f"Bearer {token}", **headers}
    ) as response:
        body = await response.json()
        assert response.status == 200 and "errors" not in body, body
        return response.headers["X-Request-Id"]


async def _recorded(admin: str) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{admin}/requests") as response:
            entries: list[dict[str, Any]] = (await response.json())["requests"]
        return entries


async def _forget(admin: str) -> None:
    async with aiohttp.ClientSession() as http, http.delete(f"{admin}/requests") as response:
        assert response.status == 200


def _server_span(spans: list[ReadableSpan], marker: str) -> ReadableSpan:
    [found] = [s for s in spans
               if s.kind is SpanKind.SERVER and (s.attributes or {}).get("mhs.client_request_id") == marker]
    return found


async def test_a_request_is_one_trace_with_a_span_per_upstream_call(demo_stack: Any) -> None:
    admins = {name: url.rstrip("/") for name, url in demo_stack.info()["admin"].items()}
    await _post(demo_stack.graphql_url, demo_stack.info()["tokens"]["P1"], {})  # warm: the token requests
    for admin in admins.values():
        await _forget(admin)
    marker = new_request_id()
    with capture_spans() as captured:
        request_id = await _post(demo_stack.graphql_url, demo_stack.info()["tokens"]["P1"], {"X-Request-Id": marker})
    server = _server_span(captured.spans, marker)
    assert server.context is not None and server.name == "POST /graphql"
    assert (server.attributes or {})["mhs.request_id"] == request_id
    spans = captured.of_trace(server.context.trace_id)
    phases = {s.name: s for s in spans if s.name.startswith("graphql.")}
    assert set(phases) == {"graphql.parse", "graphql.validate", "graphql.execute"}
    assert all(s.parent is not None and s.parent.span_id == server.context.span_id for s in phases.values())
    calls = [s for s in spans if s.kind is SpanKind.CLIENT]
    by_source: dict[str, list[ReadableSpan]] = {}
    for call in calls:
        by_source.setdefault(str((call.attributes or {})["mhs.source"]), []).append(call)
    assert set(by_source) == {"GENESIS", "COMMUNITY", "TOL_ARCHIVE"}
    assert all((s.attributes or {})["db.system.name"] == "postgresql" for s in by_source["TOL_ARCHIVE"])
    for name, source in (("genesis", "GENESIS"), ("community", "COMMUNITY")):
        recorded = await _recorded(admins[name])
        span_ids = {f"{s.context.span_id:016x}" for s in by_source[source] if s.context is not None}
        assert len(recorded) == len(by_source[source]) > 0, (name, len(recorded), len(by_source[source]))
        for entry in recorded:
            headers = {k.lower(): v for k, v in entry["headers"].items()}
            version, trace_id, parent, _ = headers["traceparent"].split("-")
            assert (version, trace_id) == ("00", f"{server.context.trace_id:032x}")
            assert parent in span_ids  # each request is the child of its own client span
            assert headers["x-request-id"] == request_id


async def test_a_callers_trace_is_continued_only_behind_a_trusted_proxy(demo_stack: Any) -> None:
    token = demo_stack.info()["tokens"]["P1"]
    caller = {"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-01"}
    trusting = dataclasses.replace(demo_stack.config, port=0, trusted_proxies=parse_networks(["127.0.0.1"]))
    async with serve(create_app(trusting)) as base:
        with capture_spans() as captured:
            public, behind = new_request_id(), new_request_id()
            await _post(demo_stack.graphql_url, token, {**caller, "X-Request-Id": public})
            await _post(f"{base}/graphql", token, {**caller, "X-Request-Id": behind})
    traces = {m: f"{_server_span(captured.spans, m).context.trace_id:032x}" for m in (public, behind)}
    assert traces[public] != CALLER_TRACE and traces[behind] == CALLER_TRACE


def test_sql_statements_carry_the_trace_and_request_id_as_a_comment() -> None:
    assert sql_comment() == ""
    token = request_id_var.set("abc123")
    try:
        with capture_spans(), span("probe", kind="client"):
            comment = sql_comment()
    finally:
        request_id_var.reset(token)
    assert comment.startswith(" /*traceparent='00-") and comment.endswith(",x_request_id='abc123'*/")
