"""Requests a browser could send cross-site without a preflight do not execute anything."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import aiohttp
import pytest

from tests.access.conftest import AuditLog, Upstreams, code, new_request_id

READ = "{ me { dodId labResults(first: 1) { edges { node { id } } } } }"
WRITE = """mutation { sendSecureMessage(input: {careTeamId: "x", subject: "s", body: "b",
    idempotencyKey: "csrf-1"}) { userErrors { code } } }"""


async def _send(demo_stack: Any, method: str, content_type: str | None, query: str,
                request_id: str) -> tuple[int, Any]:
    token = demo_stack.info()["tokens"]["P1"]
    headers = {"Authorization": f"Bearer {token}", "X-Request-Id": request_id}
    skip = []
    if content_type is None:
        skip = ["Content-Type"]
    else:
        headers["Content-Type"] = content_type
    async with aiohttp.ClientSession() as http:
        if method == "GET":
            request = http.get(demo_stack.graphql_url, params={"query": query}, headers=headers)
        else:
            data = json.dumps({"query": query}).encode()
            if content_type == "application/x-www-form-urlencoded":
                data = urllib.parse.urlencode({"query": query}).encode()
            request = http.post(demo_stack.graphql_url, data=data, headers=headers, skip_auto_headers=skip)
        async with request as response:
            return response.status, await response.json(content_type=None)


@pytest.mark.parametrize(
    ("method", "content_type", "query", "status"),
    [
        ("POST", "text/plain", READ, 415),
        ("POST", "text/plain", WRITE, 415),
        ("POST", "application/x-www-form-urlencoded", WRITE, 415),
        ("POST", "multipart/form-data; boundary=xyz", WRITE, 415),
        ("POST", None, WRITE, 415),
        ("GET", None, WRITE, 405),
    ],
)
async def test_cross_site_shapes_do_not_execute(
    demo_stack: Any, upstreams: Upstreams, audit_log: AuditLog,
    method: str, content_type: str | None, query: str, status: int,
) -> None:
    request_id = new_request_id()
    await upstreams.reset()
    got, body = await _send(demo_stack, method, content_type, query, request_id)
    assert got == status
    assert code(body) in ("UNSUPPORTED_MEDIA_TYPE", "METHOD_NOT_ALLOWED") and "data" not in body
    assert await upstreams.requests() == {"genesis": 0, "community": 0}  # nothing read or written

    async def later() -> str:
        marker = new_request_id()
        assert (await _send(demo_stack, "POST", "application/json", READ, marker))[0] == 200
        return marker

    assert await audit_log.none_for(request_id, settle=later)
