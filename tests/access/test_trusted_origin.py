"""Audit fields come from trusted places only: the gateway makes every request id (a client's is
kept apart, capped), and X-Forwarded-For is believed only from configured proxies."""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from starlette.datastructures import Headers

from gateway.app import create_app
from gateway.http.request_id import client_request_id
from gateway.proxies import TrustedProxies, parse_networks
from tests.access.conftest import AuditLog, new_request_id
from tests.support.servers import serve

ME = "{ me { dodId } }"
PATIENT = 'query($d: String!) { patient(dodId: $d) { dodId } }'


async def _post(url: str, token: str, query: str, variables: Any = None,
                headers: Mapping[str, str] | None = None) -> tuple[int, str]:
    sent = {"Authorization": f"Bearer {token}", **(headers or {})}
    async with aiohttp.ClientSession() as http, http.post(
        url, json={"query": query, "variables": variables}, headers=sent
    ) as response:
        assert response.status == 200, await response.text()
        return response.status, response.headers["X-Request-Id"]


async def test_two_actors_sending_one_request_id_get_rows_of_their_own(demo_stack: Any, audit_log: AuditLog) -> None:
    tokens, url = demo_stack.info()["tokens"], demo_stack.graphql_url
    shared = new_request_id()
    _, mine = await _post(url, tokens["P1"], ME, headers={"X-Request-Id": shared})
    _, theirs = await _post(url, tokens["C1"], PATIENT, {"d": "1000000001"}, {"X-Request-Id": shared})
    rows = await audit_log.rows(shared, expect=2)
    assert {(r["actor"], r["request_id"]) for r in rows} == {("1000000001", mine), (rows[1]["actor"], theirs)}
    assert mine != theirs and all(re.fullmatch(r"[0-9a-f]{32}", r["request_id"]) for r in rows)
    assert {r["client_request_id"] for r in rows} == {shared}


async def test_x_forwarded_for_from_an_untrusted_peer_changes_nothing(demo_stack: Any, audit_log: AuditLog) -> None:
    sent = new_request_id()
    await _post(demo_stack.graphql_url, demo_stack.info()["tokens"]["P1"], ME,
                headers={"X-Request-Id": sent, "X-Forwarded-For": "203.0.113.9"})
    [row] = await audit_log.rows(sent)
    assert row["client_address"] == "127.0.0.1"


@pytest_asyncio.fixture(loop_scope="session")
async def behind_a_proxy(demo_stack: Any) -> AsyncIterator[str]:
    """The demo's gateway configured to trust a proxy on loopback."""
    config = dataclasses.replace(demo_stack.config, port=0, trusted_proxies=parse_networks(["127.0.0.0/8"]))
    async with serve(create_app(config)) as base:
        yield f"{base}/graphql"


async def test_a_trusted_proxy_names_the_client(demo_stack: Any, audit_log: AuditLog, behind_a_proxy: str) -> None:
    sent = new_request_id()
    await _post(behind_a_proxy, demo_stack.info()["tokens"]["P1"], ME,
                headers={"X-Request-Id": sent, "X-Forwarded-For": "198.51.100.1, 203.0.113.9, 127.0.0.2"})
    [row] = await audit_log.rows(sent)
    assert row["client_address"] == "203.0.113.9"  # the left-most hop is the client's own claim


async def test_a_long_or_odd_client_id_is_capped_and_kept_apart(demo_stack: Any, audit_log: AuditLog) -> None:
    sent = new_request_id() + " é\tx" * 60  # spaces, a tab, non-ASCII: none of it is kept
    _, ours = await _post(demo_stack.graphql_url, demo_stack.info()["tokens"]["P1"], ME,
                          headers={"X-Request-Id": sent})
    kept = client_request_id(sent)
    assert kept is not None and len(kept) == 64 and kept == sent[:22] + "x" * 42
    [row] = await audit_log.rows(kept)
    assert row["request_id"] == ours


@pytest.mark.parametrize(("peer", "forwarded", "client"), [
    ("127.0.0.1", "", "127.0.0.1"),
    ("10.1.2.3", "203.0.113.9", "203.0.113.9"),
    ("10.1.2.3", "203.0.113.9, 10.0.0.7", "203.0.113.9"),
    ("10.1.2.3", "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # only the nearest untrusted hop counts
    ("10.1.2.3", "not-an-address, 10.0.0.7", "10.0.0.7"),
    ("10.1.2.3", "[2001:db8::1]:4711", "2001:db8::1"),
    ("10.1.2.3", "203.0.113.9:443", "203.0.113.9"),
    ("192.0.2.1", "203.0.113.9", "192.0.2.1"),  # the peer is no proxy of ours: its header is ignored
])
def test_trusted_proxies_read_x_forwarded_for_from_the_right(peer: str, forwarded: str, client: str) -> None:
    proxies = TrustedProxies([ipaddress.ip_network("10.0.0.0/8")])
    headers = Headers({"x-forwarded-for": forwarded} if forwarded else {})
    assert proxies.client(peer, headers) == client


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert TrustedProxies().client("127.0.0.1", Headers({"x-forwarded-for": "203.0.113.9"})) == "127.0.0.1"
