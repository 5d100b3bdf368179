"""Batch Bundles on the sandbox FHIR server: one round trip, one answer per entry."""

from __future__ import annotations

from .conftest import Fhir


async def test_a_batch_answers_each_entry_and_counts_as_one_request(fhir: Fhir) -> None:
    await fhir.http.post(f"{fhir.server.admin_url}/stats/reset")
    bundle = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {"request": {"method": "GET", "url": "Observation?patient=p1,p2&code=718-7"}},
            {"request": {"method": "GET", "url": "Patient/nobody"}},
            {"request": {"method": "GET", "url": "Observation?colour=blue"}},
            {
                "request": {"method": "POST", "url": "Task"},
                "resource": {"resourceType": "Task", "status": "requested", "intent": "order"},
            },
        ],
    }
    status, body, _ = await fhir.call("POST", "", json_body=bundle)
    assert status == 200
    assert body["type"] == "batch-response"
    search, missing, bad, created = body["entry"]
    assert search["response"]["status"].startswith("200")
    assert search["resource"]["type"] == "searchset"
    assert {e["resource"]["id"] for e in search["resource"]["entry"]} == {"o3", "o8"}
    assert missing["response"]["status"].startswith("404")
    assert missing["response"]["outcome"]["resourceType"] == "OperationOutcome"
    assert bad["response"]["status"].startswith("400")
    assert created["response"]["status"].startswith("201")
    assert created["response"]["etag"] == 'W/"1"'
    async with fhir.http.get(f"{fhir.server.admin_url}/stats") as response:
        stats = await response.json()
    assert stats["requests"] == 1
    assert stats["by_path"] == {"/fhir": 1}


async def test_a_transaction_or_a_non_bundle_is_refused(fhir: Fhir) -> None:
    status, body, _ = await fhir.call(
        "POST", "", json_body={"resourceType": "Bundle", "type": "transaction", "entry": []}
    )
    assert (status, body["resourceType"]) == (400, "OperationOutcome")
    assert (await fhir.call("POST", "", json_body={"resourceType": "Patient"}))[0] == 400
