"""The Millennium token endpoint: named system scopes only, RS384/ES384 client assertions."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from sandbox.fhir import FhirServer, make_client_keypair

from ..conftest import CLIENT_ID, client_assertion, token_form
from .conftest import Key, start_millennium, token_for


@pytest.mark.parametrize(
    ("rule", "scope"),
    [
        ("K1", "system/*.read"),
        ("K1b", "system/Observation.read system/*.write"),
        ("K2", "system/Observation.rs"),
        ("K3", "system/Task.read"),
        ("K3b", "patient/Observation.read"),
        ("K3c", ""),
    ],
)
async def test_scopes_millennium_does_not_grant_are_refused(
    rule: str, scope: str, shared: FhirServer, shared_http: aiohttp.ClientSession, client_key: Key
) -> None:
    status, body = await token_for(shared_http, shared, client_key, scope)
    assert (status, body["error"]) == (400, "invalid_scope"), rule
    assert "access_token" not in body


async def test_named_scopes_are_granted_for_570_seconds(
    shared: FhirServer, shared_http: aiohttp.ClientSession, client_key: Key
) -> None:
    status, body = await token_for(shared_http, shared, client_key, "system/Observation.read system/Appointment.write")
    assert status == 200
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 570)
    assert set(body["scope"].split()) == {"system/Observation.read", "system/Appointment.write"}


async def test_a_write_scope_does_not_read(
    shared: FhirServer, shared_http: aiohttp.ClientSession, client_key: Key
) -> None:
    _, body = await token_for(shared_http, shared, client_key, "system/Appointment.write")
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    async with shared_http.get(f"{shared.base_url}/Appointment/1", headers=headers) as response:
        assert response.status == 403


@pytest.mark.parametrize(("alg", "status"), [("RS384", 200), ("RS256", 401), ("RS512", 401)])
async def test_only_rs384_and_es384_assertions_are_accepted(
    alg: str, status: int, persona_data: list[dict[str, Any]], http: aiohttp.ClientSession
) -> None:
    pem, jwk, kid = make_client_keypair("RSA")
    server = await start_millennium((pem, jwk, kid), [])
    try:
        assertion = client_assertion(pem, kid, server.token_url, client_id=CLIENT_ID, alg=alg)
        async with http.post(server.token_url, data=token_form(assertion, "system/Patient.read")) as response:
            body = await response.json()
        assert response.status == status, body
        if status == 401:
            assert body["error"] == "invalid_client" and alg in body["error_description"]
    finally:
        await server.stop()
