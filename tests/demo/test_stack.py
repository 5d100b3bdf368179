"""The running demo stack: every part answers and the gateway is configured as in production."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import asyncpg
import jwt

from sources.community import COMMUNITY
from sources.genesis import GENESIS
from sources.tol import TOL_ARCHIVE
from tests.support import gql

if TYPE_CHECKING:  # the fixture imports the stack; collection must not need all its parts
    from gateway.demo.stack import DemoStack

PERSONAS = {"P1", "P2", "P3", "P4", "C1", "C2", "A1"}


async def test_info_names_every_part_and_a_token_per_persona(demo_stack: DemoStack) -> None:
    info = demo_stack.info()
    assert set(info) == {"graphql_url", "gateway_dsn", "sources", "admin", "tokens"}
    assert info["sources"]["genesis"] == demo_stack.genesis.base_url
    assert info["sources"]["community"] == demo_stack.community.base_url
    assert set(info["tokens"]) == PERSONAS


async def test_persona_tokens_verify_against_the_issuer_and_say_who_is_who(
    demo_stack: DemoStack,
) -> None:
    issuer = demo_stack.issuer
    async with aiohttp.ClientSession() as http, http.get(issuer.jwks_url) as response:
        jwks = jwt.PyJWKSet.from_dict(await response.json())
    personas = demo_stack.data.personas

    claims = {}
    for key, token in demo_stack.info()["tokens"].items():
        kid = jwt.get_unverified_header(token)["kid"]
        claims[key] = jwt.decode(
            token,
            jwks[kid].key,
            algorithms=["RS256"],
            audience=issuer.audience,
            issuer=issuer.issuer_url,
        )

    assert claims["P1"]["role"] == "patient"
    assert claims["P1"]["sub"] == "1000000001"
    assert claims["C1"]["role"] == "clinician"
    assert claims["C1"]["facility"] == personas["C1"].facility
    assert "cac" in claims["C1"]["amr"]
    assert claims["C2"]["facility"] != claims["C1"]["facility"]
    assert claims["A1"]["role"] == "analyst"


async def test_the_gateway_answers_graphql(demo_stack: DemoStack) -> None:
    status, body = await gql(demo_stack, "{ __typename }", token=demo_stack.info()["tokens"]["P1"])
    assert status == 200
    assert body["data"] == {"__typename": "Query"}


async def test_the_gateway_is_configured_from_its_environment_in_demo_mode(
    demo_stack: DemoStack,
) -> None:
    config = demo_stack.config
    assert config.mode == "demo"
    genesis, community, tol = (config.source(name) for name in (GENESIS, COMMUNITY, TOL_ARCHIVE))
    assert genesis is not None and genesis.config.fhir.base_url == demo_stack.genesis.base_url
    assert community is not None
    assert community.config.fhir.base_url == demo_stack.community.base_url
    assert config.auth.jwks_url == demo_stack.issuer.jwks_url
    assert tol is not None and tol.config.dsn == demo_stack.info()["sources"]["tol_dsn"]
    assert config.database_url == demo_stack.info()["gateway_dsn"]


async def test_the_sandboxes_admin_surfaces_answer(demo_stack: DemoStack) -> None:
    async with aiohttp.ClientSession() as http:
        for url in demo_stack.info()["admin"].values():
            async with http.get(f"{url}/stats") as response:
                assert response.status == 200
                assert "requests" in await response.json()


async def test_the_archive_and_the_gateway_store_are_migrated_and_loaded(
    demo_stack: DemoStack,
) -> None:
    info = demo_stack.info()
    archive = await asyncpg.connect(info["sources"]["tol_dsn"])
    try:
        accounts = await archive.fetchval("SELECT count(*) FROM tol.accounts")
        assert accounts == len(demo_stack.data.tol.accounts) > 0
    finally:
        await archive.close()
    store = await asyncpg.connect(info["gateway_dsn"])
    try:
        assert await store.fetchval("SELECT to_regclass('audit.events') IS NOT NULL")
    finally:
        await store.close()
