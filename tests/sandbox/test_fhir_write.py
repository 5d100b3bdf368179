"""Writes on the sandbox FHIR server: create, conditional create, versioned update."""

from __future__ import annotations

from typing import Any

import aiohttp

from .conftest import Fhir, get_token, start_server

TASK_ID = "urn:mhs:idempotency"


def task(key: str) -> dict[str, Any]:
    return {
        "resourceType": "Task",
        "status": "requested",
        "intent": "order",
        "identifier": [{"system": TASK_ID, "value": key}],
        "for": {"reference": "Patient/p1"},
    }


async def test_create_assigns_id_and_version_and_can_be_read_back(fhir: Fhir) -> None:
    assert await fhir.search_ids("Task", {"patient": "p1"}) == []
    status, body, headers = await fhir.call("POST", "Task", json_body=task("k1"))
    assert status == 201
    assert body["meta"]["versionId"] == "1"
    assert headers["ETag"] == 'W/"1"'
    assert headers["Location"].startswith(f"{fhir.server.base_url}/Task/{body['id']}")
    assert (await fhir.get(f"Task/{body['id']}"))[1]["identifier"][0]["value"] == "k1"
    assert await fhir.search_ids("Task", {"patient": "p1"}) == [body["id"]]


async def test_conditional_create_returns_the_existing_resource(fhir: Fhir) -> None:
    condition = {"If-None-Exist": f"identifier={TASK_ID}|k2"}
    first = await fhir.call("POST", "Task", json_body=task("k2"), headers=condition)
    second = await fhir.call("POST", "Task", json_body=task("k2"), headers=condition)
    assert (first[0], second[0]) == (201, 200)
    assert first[1]["id"] == second[1]["id"]
    assert len(await fhir.search_ids("Task", {"identifier": f"{TASK_ID}|k2"})) == 1


async def test_conditional_create_matching_several_is_412(fhir: Fhir) -> None:
    await fhir.call("POST", "Task", json_body=task("dup"))
    await fhir.call("POST", "Task", json_body=task("dup"))
    status, body, _ = await fhir.call(
        "POST",
        "Task",
        json_body=task("dup"),
        headers={"If-None-Exist": f"identifier={TASK_ID}|dup"},
    )
    assert status == 412
    assert body["resourceType"] == "OperationOutcome"


async def test_update_with_a_stale_if_match_is_412_and_changes_nothing(fhir: Fhir) -> None:
    slot = {"resourceType": "Slot", "id": "s1", "status": "free", "start": "2030-01-01T09:00:00Z"}
    fhir.server.store.put(slot)
    busy = {**slot, "status": "busy"}
    status, body, headers = await fhir.call("PUT", "Slot/s1", json_body=busy, headers={"If-Match": 'W/"1"'})
    assert (status, body["meta"]["versionId"], headers["ETag"]) == (200, "2", 'W/"2"')
    status, body, _ = await fhir.call(
        "PUT", "Slot/s1", json_body={**slot, "status": "free"}, headers={"If-Match": 'W/"1"'}
    )
    assert status == 412
    assert body["resourceType"] == "OperationOutcome"
    assert (await fhir.get("Slot/s1"))[1]["status"] == "busy"


async def test_bad_bodies_are_400(fhir: Fhir) -> None:
    status, body, _ = await fhir.call(
        "POST", "Task", data=b"{not json", headers={"Content-Type": "application/fhir+json"}
    )
    assert (status, body["resourceType"]) == (400, "OperationOutcome")
    status, _, _ = await fhir.call("POST", "Task", json_body={"resourceType": "Patient"})
    assert status == 400
    status, _, _ = await fhir.call("PUT", "Slot/zz", json_body={"resourceType": "Slot", "id": "yy"})
    assert status == 400


async def test_prefer_return_minimal_has_no_body(fhir: Fhir) -> None:
    status, body, headers = await fhir.call("POST", "Task", json_body=task("m"), headers={"Prefer": "return=minimal"})
    assert (status, body) == (201, None)
    assert "Location" in headers


async def test_a_read_only_server_refuses_writes_with_405(
    http: aiohttp.ClientSession, client_key: tuple[str, dict[str, Any], str]
) -> None:
    server = await start_server(client_key, writable=False)
    try:
        fhir = Fhir(server, http, await get_token(http, server, client_key))
        status, body, _ = await fhir.call("POST", "Task", json_body=task("ro"))
        assert (status, body["resourceType"]) == (405, "OperationOutcome")
        assert (await fhir.call("DELETE", "Patient/p1"))[0] == 405
    finally:
        await server.stop()
