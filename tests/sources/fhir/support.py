"""Helpers for the FHIR source tests: a sandbox server on loopback, its config, faults, stats."""

from __future__ import annotations

import contextlib
from typing import Any

import aiohttp

from sandbox.fhir import FhirServer, make_client_keypair
from sources.fhir import FhirSourceConfig
from sources.records import RecordSource
from tests.support.sandboxes import running_fhir

CLIENT_ID = "gateway-under-test"
PEM, JWK, KID = make_client_keypair()
DOD = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"


def config_for(server: FhirServer, **overrides: Any) -> FhirSourceConfig:
    values: dict[str, Any] = {
        "base_url": server.base_url,
        "token_url": server.token_url,
        "client_id": CLIENT_ID,
        "private_key_pem": PEM,
        "key_id": KID,
        "timeout": 3.0,
        **overrides,
    }
    return FhirSourceConfig(**values)


def running(resources: list[dict[str, Any]], **kw: Any) -> contextlib.AbstractAsyncContextManager[FhirServer]:
    """A sandbox serving `resources` that the client key of these tests may sign in to."""
    return running_fhir(resources, {CLIENT_ID: JWK}, **kw)


async def set_faults(http: aiohttp.ClientSession, server: FhirServer, **faults: Any) -> None:
    async with http.put(f"{server.admin_url}/faults", json=faults) as resp:
        assert resp.status == 200, await resp.text()


async def clear_faults(http: aiohttp.ClientSession, server: FhirServer) -> None:
    async with http.delete(f"{server.admin_url}/faults") as resp:
        assert resp.status == 200


async def stats(http: aiohttp.ClientSession, server: FhirServer) -> dict[str, Any]:
    async with http.get(f"{server.admin_url}/stats") as resp:
        data: dict[str, Any] = await resp.json()
        return data


async def reset_stats(http: aiohttp.ClientSession, server: FhirServer) -> None:
    async with http.post(f"{server.admin_url}/stats/reset") as resp:
        assert resp.status < 300


class Recorder:
    """An UpstreamObserver that keeps every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[RecordSource, str, str]] = []

    def upstream_call(self, source: RecordSource, kind: str, status: str, seconds: float) -> None:
        self.calls.append((source, kind, status))


def ref(kind: str, rid: str, display: str | None = None) -> dict[str, str]:
    out = {"reference": f"{kind}/{rid}"}
    if display:
        out["display"] = display
    return out


def patient(pid: str, family: str, given: str, birth: str, gender: str, dod: str | None = None,
            org: str | None = None) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {
        "resourceType": "Patient",
        "id": pid,
        "name": [{"family": family, "given": [given]}],
        "birthDate": birth,
        "gender": gender,
    }
    if dod:
        out["identifier"] = [{"system": DOD, "value": dod}]
    if org:
        out["managingOrganization"] = ref("Organization", org)
    return out


def lab(oid: str, pid: str, when: str, *, status: str = "final", code: str = "2345-7",
        accession: str | None = None, value: float = 5.0, interp: str = "N") -> dict[str, Any]:  # fmt: skip
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": status,
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": f"Test {code}"}]},
        "subject": ref("Patient", pid),
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": "mmol/L"},
        "referenceRange": [{"low": {"value": 3.0, "unit": "mmol/L"}, "high": {"value": 6.0}}],
        "interpretation": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                                        "code": interp}]}],
        "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                             "code": "ACSN"}]},
                        "system": "urn:mhs:lab-accession", "value": accession or f"acc-{oid}"}],
    }  # fmt: skip
