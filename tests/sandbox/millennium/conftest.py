"""Fixtures for the Millennium profile: GENESIS persona data as Millennium holds it, on a real server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox.data import generate
from sandbox.fhir import FhirServer
from sandbox.millennium import MillenniumProfile, millennium_resources
from sandbox.millennium.systems import code_set
from tests.support.sandboxes import start_fhir

from ..conftest import CLIENT_ID, Fhir, client_assertion, token_form

Key = tuple[str, dict[str, Any], str]

DOD = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"
APPOINTMENT_TYPES = code_set(14249)
DENTAL = f"{APPOINTMENT_TYPES}|2572307913"
PRIMARY_CARE = f"{APPOINTMENT_TYPES}|2572307911"
READ = " ".join(
    f"system/{t}.read"
    for t in (
        "Patient",
        "Practitioner",
        "Location",
        "Organization",
        "Observation",
        "DiagnosticReport",
        "DocumentReference",
        "Binary",
        "MedicationRequest",
        "Condition",
        "Appointment",
        "Slot",
        "Schedule",
        "CareTeam",
        "Communication",
        "Questionnaire",
        "QuestionnaireResponse",
        "Provenance",
    )
)
WRITE = " ".join(
    f"system/{t}.write" for t in ("Appointment", "Slot", "Communication", "MedicationRequest", "QuestionnaireResponse")
)


@pytest.fixture(scope="session")
def persona_data() -> list[dict[str, Any]]:
    """The demo's GENESIS data (fixed day), reshaped; servers never change these dicts in place."""
    import datetime as dt

    return millennium_resources(generate(today=dt.date(2026, 12, 3)).genesis)


async def start_millennium(key: Key, resources: list[dict[str, Any]], **kw: Any) -> FhirServer:
    return await start_fhir(resources, {CLIENT_ID: key[1]}, "genesis", profile=MillenniumProfile(), **kw)


async def token_for(http: aiohttp.ClientSession, server: FhirServer, key: Key, scope: str) -> tuple[int, Any]:
    assertion = client_assertion(key[0], key[2], server.token_url, alg="RS384" if key[1]["kty"] == "RSA" else "ES384")
    async with http.post(server.token_url, data=token_form(assertion, scope)) as response:
        return response.status, await response.json()


async def client(http: aiohttp.ClientSession, server: FhirServer, key: Key, scope: str = f"{READ} {WRITE}") -> Fhir:
    status, body = await token_for(http, server, key, scope)
    assert status == 200, body
    return Fhir(server, http, body["access_token"])


@pytest_asyncio.fixture(scope="module")
async def shared(client_key: Key, persona_data: list[dict[str, Any]]) -> AsyncIterator[FhirServer]:
    """One Millennium server for tests that only read (refusals change nothing)."""
    server = await start_millennium(client_key, persona_data)
    yield server
    await server.stop()


@pytest_asyncio.fixture(scope="module")
async def shared_http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest_asyncio.fixture(scope="module")
async def reader(shared: FhirServer, shared_http: aiohttp.ClientSession, client_key: Key) -> Fhir:
    return await client(shared_http, shared, client_key)


@pytest_asyncio.fixture
async def server(client_key: Key, persona_data: list[dict[str, Any]]) -> AsyncIterator[FhirServer]:
    """A fresh Millennium server for a test that writes."""
    srv = await start_millennium(client_key, persona_data)
    yield srv
    await srv.stop()


@pytest_asyncio.fixture
async def fhir(server: FhirServer, http: aiohttp.ClientSession, client_key: Key) -> Fhir:
    return await client(http, server, client_key)


def ids_of(bundle: dict[str, Any], mode: str = "match") -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode]


def next_url(bundle: dict[str, Any]) -> str | None:
    return next((link["url"] for link in bundle.get("link", []) if link["relation"] == "next"), None)


def first(data: list[dict[str, Any]], rtype: str, **fields: Any) -> dict[str, Any]:
    """The first resource of `rtype` whose top-level fields equal `fields`."""
    return next(r for r in data if r["resourceType"] == rtype and all(r.get(k) == v for k, v in fields.items()))
