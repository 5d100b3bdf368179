"""Everything the Millennium sandbox serves is FHIR: each persona resource, read over HTTP, and the
bundles, CapabilityStatement and OperationOutcomes it answers, validated with `fhir.resources` R4B."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import aiohttp
import pytest
from fhir.resources.R4B import get_fhir_model_class

from sandbox.fhir import FhirServer

from ..conftest import Fhir

SEARCHES = {
    "Patient": lambda d: [("identifier", "urn:oid:2.16.840.1.113883.3.42.10001.100001.12|1000000001")],
    "Observation": lambda d: [("patient", _patient(d))],
    "Appointment": lambda d: [("patient", _patient(d)), ("date", "ge2020-01-01T00:00:00Z")],
    "Slot": lambda d: [
        ("service-type", "http://snomed.info/sct|394812008"),
        ("start", "ge2026-12-01T00:00:00Z"),
        ("start", "lt2027-01-15T00:00:00Z"),
        ("_include", "Slot:schedule"),
    ],
    "DocumentReference": lambda d: [("patient", _patient(d))],
    "Condition": lambda d: [("patient", _patient(d))],
    "MedicationRequest": lambda d: [("patient", _patient(d))],
    "CareTeam": lambda d: [("patient", _patient(d))],
    "QuestionnaireResponse": lambda d: [("patient", _patient(d))],
}


def _patient(data: list[dict[str, Any]]) -> str:
    return next(r["id"] for r in data if r["resourceType"] == "Patient")


def validate(resource: dict[str, Any]) -> None:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


async def test_every_served_resource_is_valid_r4b(reader: Fhir, persona_data: list[dict[str, Any]]) -> None:
    gate = asyncio.Semaphore(32)

    async def read(resource: dict[str, Any]) -> dict[str, Any]:
        async with gate:
            status, body, _ = await reader.get(f"{resource['resourceType']}/{resource['id']}")
        assert status == 200, body
        return dict(body)

    # Bulk Data Groups are held for `Group/[id]/$export` only: the FHIR API does not serve them.
    groups = [r for r in persona_data if r["resourceType"] == "Group"]
    served = await asyncio.gather(*(read(r) for r in persona_data if r["resourceType"] != "Group"))
    for resource in [*served, *groups]:
        validate(resource)
    kinds = Counter(r["resourceType"] for r in served)
    assert {"Patient", "Slot", "Schedule", "Appointment", "Communication", "Binary", "DocumentReference"} <= set(kinds)
    assert "Task" not in kinds and "MedicationDispense" not in kinds


@pytest.mark.parametrize("rtype", sorted(SEARCHES))
async def test_search_bundles_are_valid_r4b(rtype: str, reader: Fhir, persona_data: list[dict[str, Any]]) -> None:
    status, bundle, _ = await reader.get(rtype, SEARCHES[rtype](persona_data))
    assert status == 200 and bundle["entry"]
    validate(bundle)


async def test_metadata_and_errors_are_valid_r4b(
    reader: Fhir, shared: FhirServer, shared_http: aiohttp.ClientSession
) -> None:
    async with shared_http.get(f"{shared.base_url}/metadata") as response:
        validate(await response.json(content_type=None))
    for path, params in (("Task", None), ("Observation", [("_sort", "date")]), ("Patient", None)):
        status, outcome, _ = await reader.get(path, params)
        assert status in (400, 404)
        validate(outcome)


async def test_ids_codes_and_extensions_are_millennium_shaped(reader: Fhir, persona_data: list[dict[str, Any]]) -> None:
    import re

    by_type: dict[str, list[dict[str, Any]]] = {}
    for r in persona_data:
        by_type.setdefault(r["resourceType"], []).append(r)
    shapes = {
        "Patient": r"\d{8}",
        "Practitioner": r"\d{7}",
        "Location": r"loc-[a-z]+",  # the demo's facility codes (assumption A16)
        "Appointment": r"\d{7}",
        "Observation": r"(L|VS)-\d{9}",
        "Condition": r"p\d{8}",
        "Communication": r"\d{9}\.0\.-4\.prsnl",
        "Slot": r"\d+-loc-[a-z]+-\d+-\d+",
        "Schedule": r"\d+-loc-[a-z]+-\d+-0",
        "MedicationRequest": r"\d{9}",
    }
    for rtype, shape in shapes.items():
        assert all(re.fullmatch(shape, r["id"]) for r in by_type[rtype]), rtype
    status, slot, _ = await reader.get(f"Slot/{by_type['Slot'][0]['id']}")
    assert status == 200
    (coding, standard) = slot["serviceType"][0]["coding"]
    assert re.fullmatch(r"https://fhir\.cerner\.com/[0-9a-f-]{36}/codeSet/14249", coding["system"])
    assert coding["code"].isdigit() and coding["userSelected"] is True
    assert standard["system"] == "http://snomed.info/sct" and standard["userSelected"] is False
    place = next(e for e in slot["extension"] if e["url"].endswith("/scheduling-location"))
    assert place["url"] == "https://fhir-ehr.cerner.com/r4/StructureDefinition/scheduling-location"
    assert place["valueReference"]["reference"].startswith("Location/")
    assert slot["id"].startswith(coding["code"] + "-")  # <appointment type>-<location>-<resource>-<n>
