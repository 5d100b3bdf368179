"""Request hygiene by configuration: suggestions, introspection, CORS, the clinicians' CAC rule."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp

from gateway.app import create_app
from gateway.config import Config
from sandbox.issuer import Issuer
from tests.support.servers import serve

from .conftest import base_env, no_sources

INTROSPECT = {"query": "{ __schema { queryType { name } } }"}
TYPO = {"query": "{ me { dodid } }"}
PORTAL = "https://portal.example.mil"


async def _post(http: aiohttp.ClientSession, url: str, body: object, token: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/graphql-response+json"}
    async with http.post(f"{url}/graphql", json=body, headers=headers) as response:
        return response.status, await response.json()


async def test_demo_suggests_and_introspects(gateway_url: str, issuer: Issuer, http: aiohttp.ClientSession) -> None:
    token = issuer.mint("patient", "1000000001")
    status, body = await _post(http, gateway_url, TYPO, token)
    assert status == 400 and "Did you mean 'dodId'" in body["errors"][0]["message"]
    status, body = await _post(http, gateway_url, INTROSPECT, token)
    assert status == 200 and body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_production_defaults_turn_both_off(issuer: Issuer) -> None:
    config = Config.from_env({**base_env(issuer, MODE="production", PSEUDONYM_KEY="k" * 32),
                              "DATABASE_URL": "postgresql://u@127.0.0.1:1/x"})
    assert (config.field_suggestions, config.introspection, config.graphiql) == (False, False, False)


async def test_without_suggestions_or_introspection(issuer: Issuer, http: aiohttp.ClientSession) -> None:
    config = Config.from_env(base_env(issuer, FIELD_SUGGESTIONS="false", INTROSPECTION="false"))
    token = issuer.mint("patient", "1000000001")
    async with serve(create_app(config, services_factory=no_sources)) as url:
        status, body = await _post(http, url, TYPO, token)
        assert status == 400
        assert body["errors"][0]["message"] == "Cannot query field 'dodid' on type 'Patient'."
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        status, body = await _post(http, url, INTROSPECT, token)
        assert status == 400 and "introspection" in body["errors"][0]["message"].lower()
        assert "data" not in body
        status, body = await _post(http, url, {"query": "{ __typename }"}, token)
        assert (status, body) == (200, {"data": {"__typename": "Query"}})


async def test_cors_allows_only_configured_origins(issuer: Issuer, http: aiohttp.ClientSession) -> None:
    config = Config.from_env(base_env(issuer, CORS_ORIGINS=PORTAL))
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type, x-break-glass-reason"}
    async with serve(create_app(config, services_factory=no_sources)) as url:
        async with http.options(f"{url}/graphql", headers={"Origin": PORTAL, **preflight}) as response:
            assert response.status == 200
            assert response.headers["Access-Control-Allow-Origin"] == PORTAL
            assert "x-break-glass-reason" in response.headers["Access-Control-Allow-Headers"].lower()
        async with http.options(f"{url}/graphql",
                                headers={"Origin": "https://evil.example", **preflight}) as response:
            assert response.status == 400
            assert "Access-Control-Allow-Origin" not in response.headers
        token = issuer.mint("patient", "1000000001")
        async with http.post(f"{url}/graphql", json={"query": "{ __typename }"},
                             headers={"Origin": "https://evil.example", "Authorization": f"Bearer {token}"}
                             ) as response:
            assert "Access-Control-Allow-Origin" not in response.headers  # the browser hides the answer


async def test_clinician_cac_requirement_is_configurable(
    issuer: Issuer, http: aiohttp.ClientSession, make_config: Callable[..., Config]
) -> None:
    no_cac = issuer.mint("clinician", "prac-1", facility="fac-1", amr=["pwd"])
    async with serve(create_app(make_config(), services_factory=no_sources)) as url:
        status, body = await _post(http, url, {"query": "{ __typename }"}, no_cac)
        assert status == 401 and body["errors"][0]["extensions"]["reason"] == "STRONG_AUTH_REQUIRED"
    async with serve(create_app(make_config(CLINICIAN_AMR=""), services_factory=no_sources)) as url:
        status, body = await _post(http, url, {"query": "{ __typename }"}, no_cac)
        assert (status, body) == (200, {"data": {"__typename": "Query"}})
    async with serve(create_app(make_config(CLINICIAN_AMR="piv"), services_factory=no_sources)) as url:
        piv = issuer.mint("clinician", "prac-1", facility="fac-1", amr=["piv"])
        status, _ = await _post(http, url, {"query": "{ __typename }"}, piv)
        assert status == 200
        cac = issuer.mint("clinician", "prac-1", facility="fac-1", amr=["cac"])
        status, _ = await _post(http, url, {"query": "{ __typename }"}, cac)
        assert status == 401


async def test_analysts_need_the_same_strong_authentication_configurably(
    issuer: Issuer, http: aiohttp.ClientSession, make_config: Callable[..., Config]
) -> None:
    project = {"mhs_project": "hygiene-study"}
    password = issuer.mint("analyst", "analyst-1", amr=["pwd"], extra_claims=project)
    cac = issuer.mint("analyst", "analyst-1", amr=["cac"], extra_claims=project)
    piv = issuer.mint("analyst", "analyst-1", amr=["piv"], extra_claims=project)
    for env, accepted in (({}, {cac}),  # as clinicians, by default: CAC
                          ({"CLINICIAN_AMR": "piv"}, {piv}),  # whatever clinicians need ...
                          ({"ANALYST_AMR": "piv"}, {piv}),  # ... unless analysts are configured apart
                          ({"ANALYST_AMR": ""}, {password, cac, piv})):  # or not at all
        async with serve(create_app(make_config(**env), services_factory=no_sources)) as url:
            for token in (password, cac, piv):
                status, body = await _post(http, url, {"query": "{ __typename }"}, token)
                if token in accepted:
                    assert status == 200, env
                else:
                    assert status == 401 and body["errors"][0]["extensions"]["reason"] == "STRONG_AUTH_REQUIRED", env
