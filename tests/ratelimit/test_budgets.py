"""Budgets per principal (by role) and per client address, reads apart from writes: over one, the
answer is 429 with Retry-After and RATE_LIMITED, and no source is asked."""

from __future__ import annotations

import dataclasses
from typing import Any

from gateway.app import create_app
from gateway.proxies import parse_networks
from tests.access.conftest import Upstreams
from tests.support.servers import serve

from .conftest import ME, budget, limited, post

# A write that is refused before any source is asked (the slot id does not decode).
WRITE = 'mutation { bookAppointment(input: {slotId: "nope", idempotencyKey: "k-1"}) { userErrors { code } } }'


def _tokens(stack: Any) -> dict[str, str]:
    return dict(stack.info()["tokens"])


async def test_a_patient_over_the_read_budget_gets_429_and_no_source_is_asked(
    demo_stack: Any, upstreams: Upstreams
) -> None:
    tokens = _tokens(demo_stack)
    config = limited(demo_stack, patient=budget(reads="3/minute"))
    async with serve(create_app(config)) as base:
        url = f"{base}/graphql"
        for _ in range(3):
            assert (await post(url, tokens["P1"])).status == 200
        await upstreams.reset()
        refused = await post(url, tokens["P1"])
        assert await upstreams.requests() == {"genesis": 0, "community": 0}
        assert refused.status == 429 and refused.code == "RATE_LIMITED", refused.body
        assert "data" not in refused.body
        extensions = refused.body["errors"][0]["extensions"]
        assert extensions["limit"] == "reads per patient"
        wait = int(refused.headers["Retry-After"])
        assert 1 <= wait <= 60 and extensions["retryAfter"] == wait
        other = await post(url, tokens["P2"])  # the budget is the principal's, not everyone's
        assert other.status == 200 and other.body["data"]["me"]["dodId"] == "1000000002"


async def test_each_role_has_its_own_budget(demo_stack: Any) -> None:
    tokens = _tokens(demo_stack)
    config = limited(demo_stack, patient=budget(reads="1/minute"), clinician=budget(reads="4/minute"))
    query = '{ patient(dodId: "1000000001") { dodId } }'
    async with serve(create_app(config)) as base:
        url = f"{base}/graphql"
        statuses = [(await post(url, tokens["C1"], query)).status for _ in range(5)]
        assert statuses == [200, 200, 200, 200, 429]
        assert [(await post(url, tokens["P1"])).status for _ in range(2)] == [200, 429]


async def test_writes_have_a_budget_apart_from_reads(demo_stack: Any) -> None:
    token = _tokens(demo_stack)["P1"]
    config = limited(demo_stack, patient=budget(reads="2/minute", writes="1/minute"))
    async with serve(create_app(config)) as base:
        url = f"{base}/graphql"
        assert [(await post(url, token)).status for _ in range(3)] == [200, 200, 429]
        wrote = await post(url, token, WRITE)  # reads spent; the write budget is untouched
        assert wrote.status == 200 and wrote.body["data"]["bookAppointment"]["userErrors"], wrote.body
        again = await post(url, token, WRITE)
        assert again.status == 429 and again.body["errors"][0]["extensions"]["limit"] == "writes per patient"


async def test_one_client_address_shares_its_budget_among_principals(demo_stack: Any) -> None:
    tokens = _tokens(demo_stack)
    config = limited(demo_stack, address=budget(reads="4/minute"))
    async with serve(create_app(config)) as base:
        url = f"{base}/graphql"
        for persona in ("P1", "P1", "P2", "P4"):
            assert (await post(url, tokens[persona])).status == 200
        refused = await post(url, tokens["P3"], ME)
        assert refused.status == 429
        assert refused.body["errors"][0]["extensions"]["limit"] == "reads per client address"


async def test_limits_off_lets_everything_through(demo_stack: Any) -> None:
    config = limited(demo_stack, patient=budget(reads="1/minute"))
    config = dataclasses.replace(config, rate_limits=dataclasses.replace(config.rate_limits, enabled=False))
    async with serve(create_app(config)) as base:
        assert [(await post(f"{base}/graphql", _tokens(demo_stack)["P1"])).status for _ in range(3)] == [200] * 3


async def test_a_spoofed_x_forwarded_for_does_not_escape_the_address_budget(demo_stack: Any) -> None:
    tokens = _tokens(demo_stack)
    config = limited(demo_stack, address=budget(reads="2/minute"))
    async with serve(create_app(config)) as base:
        statuses = [(await post(f"{base}/graphql", tokens[p], headers={"X-Forwarded-For": f"203.0.113.{i}"})).status
                    for i, p in enumerate(("P1", "P2", "P4"))]
    assert statuses == [200, 200, 429]


async def test_behind_a_trusted_proxy_each_client_address_has_its_own_budget(demo_stack: Any) -> None:
    tokens = _tokens(demo_stack)
    config = limited(demo_stack, address=budget(reads="1/minute"))
    config = dataclasses.replace(config, trusted_proxies=parse_networks(["127.0.0.1"]))
    async with serve(create_app(config)) as base:
        url = f"{base}/graphql"
        first = [(await post(url, tokens[p], headers={"X-Forwarded-For": ip})).status
                 for p, ip in (("P1", "203.0.113.1"), ("P2", "203.0.113.2"))]
        again = await post(url, tokens["P4"], headers={"X-Forwarded-For": "203.0.113.1"})
    assert first == [200, 200] and again.status == 429
