"""SMART backend-services auth on the sandbox FHIR server."""

from __future__ import annotations

from typing import Any

import aiohttp

from sandbox.fhir import FhirServer, make_client_keypair

from .conftest import Fhir, client_assertion, get_token, start_server, token_form

Key = tuple[str, dict[str, Any], str]


async def _token_call(http: aiohttp.ClientSession, server: FhirServer, form: dict[str, str]) -> tuple[int, Any]:
    async with http.post(server.token_url, data=form) as response:
        return response.status, await response.json()


async def test_a_signed_assertion_gets_a_bearer_token_with_the_scopes_asked(
    server: FhirServer, http: aiohttp.ClientSession, client_key: Key
) -> None:
    assertion = client_assertion(client_key[0], client_key[2], server.token_url)
    status, body = await _token_call(http, server, token_form(assertion, "system/*.read"))
    assert status == 200
    assert body["token_type"] == "bearer"
    assert body["scope"] == "system/*.read"
    assert 0 < body["expires_in"] <= 3600
    async with http.get(
        f"{server.base_url}/Patient/p1", headers={"Authorization": f"Bearer {body['access_token']}"}
    ) as response:
        assert response.status == 200
        assert (await response.json())["id"] == "p1"


async def test_an_rsa_client_key_works_too(http: aiohttp.ClientSession) -> None:
    pem, jwk, kid = make_client_keypair("RSA")
    server = FhirServer(name="rsa", resources=[], clients={"rsa-client": jwk})
    await server.start()
    try:
        assertion = client_assertion(pem, kid, server.token_url, client_id="rsa-client", alg="RS384")
        status, body = await _token_call(http, server, token_form(assertion))
        assert status == 200, body
    finally:
        await server.stop()


async def test_fhir_requests_without_a_valid_token_are_401_operation_outcomes(
    server: FhirServer, http: aiohttp.ClientSession
) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eA=="}):
        async with http.get(f"{server.base_url}/Patient/p1", headers=headers) as response:
            assert response.status == 401
            assert response.headers["Content-Type"].startswith("application/fhir+json")
            assert (await response.json())["resourceType"] == "OperationOutcome"


async def test_metadata_and_smart_configuration_need_no_token(server: FhirServer, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{server.base_url}/metadata") as response:
        statement = await response.json()
    assert statement["resourceType"] == "CapabilityStatement"
    types = {r["type"] for r in statement["rest"][0]["resource"]}
    assert {"Patient", "Observation", "Appointment", "Task"} <= types
    async with http.get(f"{server.base_url}/.well-known/smart-configuration") as response:
        config = await response.json()
    assert config["token_endpoint"] == server.token_url
    assert "private_key_jwt" in config["token_endpoint_auth_methods_supported"]


async def test_an_assertion_signed_by_another_key_is_invalid_client(
    server: FhirServer, http: aiohttp.ClientSession
) -> None:
    other_pem, _, other_kid = make_client_keypair()
    assertion = client_assertion(other_pem, other_kid, server.token_url)
    status, body = await _token_call(http, server, token_form(assertion))
    assert (status, body["error"]) == (401, "invalid_client")


async def test_a_replayed_assertion_is_refused(
    server: FhirServer, http: aiohttp.ClientSession, client_key: Key
) -> None:
    assertion = client_assertion(client_key[0], client_key[2], server.token_url, jti="once")
    first, _ = await _token_call(http, server, token_form(assertion))
    second, body = await _token_call(http, server, token_form(assertion))
    assert (first, second, body["error"]) == (200, 401, "invalid_client")


async def test_expired_far_future_wrong_audience_or_unknown_client_assertions_are_refused(
    server: FhirServer, http: aiohttp.ClientSession, client_key: Key
) -> None:
    pem, _, kid = client_key
    bad = [
        client_assertion(pem, kid, server.token_url, lifetime=-120),
        client_assertion(pem, kid, server.token_url, lifetime=3600),
        client_assertion(pem, kid, "https://elsewhere.example/token"),
        client_assertion(pem, kid, server.token_url, client_id="stranger"),
        "not.a.jwt",
    ]
    for assertion in bad:
        status, body = await _token_call(http, server, token_form(assertion))
        assert (status, body["error"]) == (401, "invalid_client")


async def test_bad_token_requests_get_oauth_errors(
    server: FhirServer, http: aiohttp.ClientSession, client_key: Key
) -> None:
    good = token_form(client_assertion(client_key[0], client_key[2], server.token_url))
    status, body = await _token_call(http, server, {**good, "grant_type": "password"})
    assert (status, body["error"]) == (400, "unsupported_grant_type")
    status, body = await _token_call(http, server, {**good, "scope": "patient/*.read"})
    assert (status, body["error"]) == (400, "invalid_scope")


async def test_a_read_scope_cannot_write(server: FhirServer, http: aiohttp.ClientSession, client_key: Key) -> None:
    fhir = Fhir(server, http, await get_token(http, server, client_key, "system/*.read"))
    status, body, _ = await fhir.call(
        "POST", "Observation", json_body={"resourceType": "Observation", "status": "final"}
    )
    assert status == 403
    assert body["issue"][0]["code"] == "forbidden"
    assert (await fhir.get("Observation/o1"))[0] == 200


async def test_a_type_scope_allows_that_type_only(
    server: FhirServer, http: aiohttp.ClientSession, client_key: Key
) -> None:
    fhir = Fhir(server, http, await get_token(http, server, client_key, "system/Patient.rs"))
    assert (await fhir.get("Patient/p1"))[0] == 200
    assert (await fhir.get("Observation/o1"))[0] == 403


async def test_tokens_are_per_server(server: FhirServer, http: aiohttp.ClientSession, client_key: Key) -> None:
    other = await start_server(client_key)
    try:
        token = await get_token(http, other, client_key)
        status, _, _ = await Fhir(server, http, token).get("Patient/p1")
        assert status == 401
    finally:
        await other.stop()
