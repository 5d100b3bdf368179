"""Fixtures for the sandbox FHIR server tests: a small dataset, a client key, a FHIR client."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import jwt
import pytest
import pytest_asyncio

from sandbox.fhir import FhirServer, make_client_keypair
from tests.support.sandboxes import start_fhir

DOD = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"
ACSN = "urn:mhs:lab-accession"
LAB = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "laboratory",
        }
    ]
}
CLIENT_ID = "gateway-test"


def patient(pid: str, family: str, given: str, birth: str, gender: str, dod: str | None = None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": pid,
        "name": [{"family": family, "given": [given]}],
        "birthDate": birth,
        "gender": gender,
    }
    if dod:
        resource["identifier"] = [{"system": DOD, "value": dod}]
    return resource


def observation(oid: str, pid: str, when: str, code: str = "2345-7", accession: str | None = None) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": [LAB],
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": when,
        "identifier": [{"system": ACSN, "value": accession or f"acc-{oid}"}],
        "performer": [{"reference": "Practitioner/dr-1"}],
    }


def dataset() -> list[dict[str, Any]]:
    """Three patients, a practitioner, eight labs (with offsets), a prescription and dispenses."""
    return [
        patient("p1", "Rivera", "Ana", "1985-04-12", "female", "1000000001"),
        patient("p2", "Okafor", "Ben", "1960-01-30", "male", "1000000002"),
        patient("p3", "Okafor", "Ben", "1971-07-04", "male"),
        {"resourceType": "Practitioner", "id": "dr-1", "name": [{"family": "Hale"}]},
        observation("o1", "p1", "2024-01-05T09:00:00-05:00"),  # 14:00Z
        observation("o2", "p1", "2024-01-05T23:30:00-05:00"),  # 2024-01-06T04:30Z
        observation("o3", "p1", "2024-02-10T08:00:00Z", code="718-7"),
        observation("o4", "p1", "2024-03-01T12:00:00Z"),
        observation("o5", "p1", "2024-03-01T12:00:00Z"),  # same instant as o4
        observation("o6", "p1", "2023-12-31T23:00:00Z"),
        observation("o7", "p2", "2024-01-20T10:00:00+01:00", accession="shared-1"),
        observation("o8", "p2", "2024-02-02", code="718-7"),
        {
            "resourceType": "MedicationRequest",
            "id": "rx-1",
            "status": "active",
            "subject": {"reference": "Patient/p1"},
            "authoredOn": "2024-01-02",
            "requester": {"reference": "Practitioner/dr-1"},
        },
        *[
            {
                "resourceType": "MedicationDispense",
                "id": f"md-{n}",
                "status": "completed",
                "subject": {"reference": "Patient/p1"},
                "authorizingPrescription": [{"reference": "MedicationRequest/rx-1"}],
            }
            for n in (1, 2)
        ],
        {"resourceType": "Binary", "id": "bin-1", "contentType": "text/plain", "data": "aGVsbG8="},
    ]


def client_assertion(
    pem: str,
    kid: str,
    audience: str,
    *,
    client_id: str = CLIENT_ID,
    lifetime: int = 240,
    jti: str | None = None,
    alg: str = "ES384",
) -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "exp": now + lifetime,
        "jti": jti or str(uuid.uuid4()),
    }
    return jwt.encode(claims, pem, algorithm=alg, headers={"kid": kid})


def token_form(assertion: str, scope: str = "system/*.read system/*.write") -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": scope,
    }


class Fhir:
    """A minimal FHIR client for the tests: JSON in, (status, JSON body, headers) out."""

    def __init__(self, server: FhirServer, http: aiohttp.ClientSession, token: str) -> None:
        self.server = server
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"}

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        data: Any = None,
    ) -> tuple[int, Any, Any]:
        url = path if path.startswith("http") else f"{self.server.base_url}/{path}"
        async with self.http.request(
            method,
            url,
            params=params,
            json=json_body,
            data=data,
            headers={**self.headers, **(headers or {})},
        ) as response:
            body = await response.json(content_type=None) if await response.read() else None
            return response.status, body, response.headers

    async def get(self, path: str, params: Any = None, **kw: Any) -> tuple[int, Any, Any]:
        return await self.call("GET", path, params=params, **kw)

    async def search_ids(self, path: str, params: Any = None) -> list[str]:
        status, body, _ = await self.get(path, params)
        assert status == 200, body
        return [e["resource"]["id"] for e in body.get("entry", [])]


@pytest.fixture(scope="session")
def client_key() -> tuple[str, dict[str, Any], str]:
    return make_client_keypair()


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def start_server(client_key: tuple[str, dict[str, Any], str], **kw: Any) -> FhirServer:
    return await start_fhir(kw.pop("resources", None) or dataset(), {CLIENT_ID: client_key[1]}, **kw)


@pytest_asyncio.fixture
async def server(client_key: tuple[str, dict[str, Any], str]) -> AsyncIterator[FhirServer]:
    srv = await start_server(client_key, match_enabled=True)
    yield srv
    await srv.stop()


async def get_token(
    http: aiohttp.ClientSession,
    server: FhirServer,
    key: tuple[str, dict[str, Any], str],
    scope: str = "system/*.read system/*.write",
) -> str:
    assertion = client_assertion(key[0], key[2], server.token_url)
    async with http.post(server.token_url, data=token_form(assertion, scope)) as response:
        body = await response.json()
        assert response.status == 200, body
        return str(body["access_token"])


@pytest_asyncio.fixture
async def fhir(server: FhirServer, http: aiohttp.ClientSession, client_key: tuple[str, dict[str, Any], str]) -> Fhir:
    return Fhir(server, http, await get_token(http, server, client_key))
