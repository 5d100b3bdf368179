"""A slow sender, sandboxes answering garbage, and bad fault settings: bounded and clean."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

from tests.robustness.conftest import LEAKS, assert_clean, assert_still_answers, send
from tests.support.recovery import sources_recovered

pytestmark = pytest.mark.asyncio(loop_scope="session")

READ = "{ me { dodId sourceCoverage { source state } labResults(first: 3) { edges { node { display } } } } }"
SEND = ("mutation($i: SendSecureMessageInput!) { sendSecureMessage(input: $i) "
        "{ message { id } userErrors { code } } }")


async def _raw_exchange(url: str, head: bytes, body: bytes, *, wait: float) -> bytes:
    """Send `head` and part of a body, then nothing; what the server says within `wait` seconds."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(head + body)
        await writer.drain()
        async with asyncio.timeout(wait):
            return await reader.read(65536)
    finally:
        writer.close()


async def test_a_body_that_never_finishes_gets_408(demo_stack: Any) -> None:
    url = demo_stack.info()["graphql_url"]
    token = demo_stack.info()["tokens"]["P1"]
    path = urlsplit(url).path
    head = (f"POST {path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n").encode()
    started = time.monotonic()
    slow = asyncio.create_task(_raw_exchange(url, head, b'{"query":', wait=30))
    await asyncio.sleep(0.2)
    await assert_still_answers(url, token)  # others are served meanwhile
    answer = await slow
    assert time.monotonic() - started < 20
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 408 " in status_line, answer[:300]
    body = json.loads(rest.partition(b"\r\n\r\n")[2])
    assert body["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"
    await assert_still_answers(url, token)


async def _faults(admin: str, method: str, payload: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.request(
        method, f"{admin.rstrip('/')}/faults", json=payload if raw is None else None, data=raw,
        headers={"Content-Type": "application/json"} if raw is not None else None,
    ) as response:
        return response.status, await response.text()


GARBAGE = [{"garbage": "truncated"}, {"garbage": "html"}, {"garbage": True}, {"error_status": 500},
           {"error_status": 400}, {"error_status": 401}, {"error_status": 429}, {"down": True},
           {"error_status": 503, "error_rate": 0.5}]


@pytest.mark.parametrize("fault", GARBAGE, ids=[json.dumps(f) for f in GARBAGE])
async def test_sandboxes_answering_garbage(demo_stack: Any, fault: dict[str, Any]) -> None:
    info = demo_stack.info()
    url, token = info["graphql_url"], info["tokens"]["P1"]
    try:
        for admin in info["admin"].values():
            status, _ = await _faults(admin, "PUT", fault)
            assert status == 200
        read = await send(url, token, body=json.dumps({"query": READ}).encode())
        assert_clean(read)
        assert read.status == 200 and read.json()["data"]["me"]["dodId"] == "1000000001"
        for error in read.json().get("errors", []):
            assert error["extensions"]["code"] == "SOURCE_UNAVAILABLE"
        # a write while the sources answer garbage: refused or done, never a 500
        me = await send(url, token, body=json.dumps({"query": "{ me { primaryCareTeam { id } } }"}).encode())
        assert_clean(me)
        care_team = ((me.json().get("data") or {}).get("me") or {}).get("primaryCareTeam")
        if care_team:
            write = await send(url, token, body=json.dumps({"query": SEND, "variables": {"i": {
                "careTeamId": care_team["id"], "subject": "robustness", "body": "garbage upstream",
                "idempotencyKey": uuid.uuid4().hex}}}).encode())
            assert_clean(write)
    finally:
        for admin in info["admin"].values():
            await _faults(admin, "DELETE")
        assert await sources_recovered(demo_stack), "the sources did not come back for the tests that follow"
    await assert_still_answers(url, token)


BAD_FAULTS = [
    b'{"latency_ms": "abc"}', b'{"latency_ms": 1e308}', b'{"latency_ms": NaN}', b'{"latency_ms": -5}',
    b'{"latency_ms": true}', b'{"error_rate": NaN}', b'{"error_rate": 2}', b'{"error_rate": "x"}',
    b'{"error_status": 200}', b'{"error_status": "503"}', b'{"error_status": true}', b'{"error_status": 503.5}',
    b'{"down": "yes"}', b'{"down": 1}', b'{"garbage": "x"}', b'{"garbage": {}}', b'{"nope": 1}', b"[]", b"{",
    b"\xff", b'{"latency_ms": ' + b"9" * 5000 + b"}", b"[" * 100_000,
]


@pytest.mark.parametrize("raw", BAD_FAULTS, ids=[r[:30].decode("latin-1") for r in BAD_FAULTS])
async def test_bad_fault_settings_are_refused(demo_stack: Any, raw: bytes) -> None:
    info = demo_stack.info()
    admin = info["admin"]["genesis"]
    try:
        status, text = await _faults(admin, "PUT", raw=raw)
        assert status == 400, text
        assert "error" in json.loads(text)
        for leak in LEAKS:
            assert leak not in text
        status, text = await _faults(admin, "GET")
        current = json.loads(text)
        assert current == {"latency_ms": 0, "error_status": None, "error_rate": 0.0, "down": False,
                           "garbage": None}, current
    finally:
        await _faults(admin, "DELETE")
    await assert_still_answers(info["graphql_url"], info["tokens"]["P1"])
