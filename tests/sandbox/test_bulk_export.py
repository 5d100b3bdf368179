"""FHIR Bulk Data export on the GENESIS (Millennium) and community (IG) sandboxes, over real HTTP."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from fhir.resources.R4B import get_fhir_model_class

from sandbox.data import generate
from sandbox.data.groups import group_id
from sandbox.fhir import BULK_IG, MILLENNIUM, BulkProfile, FhirServer, make_client_keypair

from .conftest import client_assertion, token_form

Resource = dict[str, Any]
KEYS = {name: make_client_keypair() for name in ("export-job", "other-job")}
DATA = generate(extra_patients=8)
CLINICAL = ("Observation", "Condition", "MedicationRequest", "DocumentReference", "CareTeam")
EVERY_TYPE = ("Patient", *CLINICAL, "Practitioner", "Location")
BRAGG, YOKOSUKA = group_id("loc-bragg"), group_id("loc-yokosuka")
FAST = dataclasses.replace(MILLENNIUM, step_seconds=0.01, retry_after=0)


class Bulk:
    """A bulk-export client for the tests: raw HTTP, so every header is visible."""

    def __init__(self, server: FhirServer, http: aiohttp.ClientSession, token: str) -> None:
        self.server = server
        self.http = http
        self.auth = {"Authorization": f"Bearer {token}"}
        self.kick_headers = {**self.auth, "Accept": "application/fhir+json", "Prefer": "respond-async"}

    async def kick_off(self, path: str, params: Any = None, **headers: str) -> tuple[int, Any, Any]:
        url = f"{self.server.base_url}/{path}"
        async with self.http.get(url, params=params, headers={**self.kick_headers, **headers}) as response:
            body = await response.json(content_type=None) if await response.read() else None
            return response.status, body, response.headers

    async def start(self, path: str, params: Any = None) -> str:
        status, body, headers = await self.kick_off(path, params)
        assert status == 202, body
        return str(headers["Content-Location"])

    async def status(self, url: str, method: str = "GET") -> tuple[int, Any, Any]:
        async with self.http.request(method, url, headers=self.auth) as response:
            body = await response.json(content_type=None) if await response.read() else None
            return response.status, body, response.headers

    async def finish(self, url: str) -> dict[str, Any]:
        """Poll as a client must: wait the Retry-After the server asks for, up to 200 polls."""
        for _ in range(200):
            status, body, headers = await self.status(url)
            if status == 200:
                assert headers["Content-Type"].startswith("application/json")
                assert "Expires" in headers
                return dict(body)
            assert status == 202, body
            assert headers["X-Progress"].startswith("in-progress")
            await asyncio.sleep(max(0.01, int(headers["Retry-After"])))
        raise AssertionError("the export never completed")

    async def download(self, file_url: str) -> list[Resource]:
        """Fetch one file: a 307 to a pre-signed URL (followed without the token) or the file."""
        headers = {**self.auth, "Accept": "application/fhir+ndjson"}
        async with self.http.get(file_url, headers=headers, allow_redirects=False) as response:
            if response.status == 307:
                file_url = response.headers["Location"]
                headers = {"Accept": "application/fhir+ndjson"}
            else:
                assert response.status == 200, await response.text()
        async with self.http.get(file_url, headers=headers, allow_redirects=False) as response:
            assert response.status == 200, await response.text()
            assert response.content_type == "application/fhir+ndjson"
            text = await response.text()
        assert text.endswith("\n")
        return [json.loads(line) for line in text.splitlines()]

    async def export(self, path: str, params: Any = None) -> tuple[dict[str, Any], dict[str, list[Resource]]]:
        manifest = await self.finish(await self.start(path, params))
        by_type: dict[str, list[Resource]] = {}
        for item in manifest["output"]:
            lines = await self.download(item["url"])
            assert len(lines) == item["count"]
            assert {r["resourceType"] for r in lines} == {item["type"]}
            by_type.setdefault(item["type"], []).extend(lines)
        return manifest, by_type


async def token(http: aiohttp.ClientSession, server: FhirServer, scope: str, client: str = "export-job") -> str:
    pem, _, kid = KEYS[client]
    assertion = client_assertion(pem, kid, server.token_url, client_id=client)
    async with http.post(server.token_url, data=token_form(assertion, scope)) as response:
        body = await response.json()
        assert response.status == 200, body
        return str(body["access_token"])


async def started(resources: list[Resource], profile: BulkProfile, **kw: Any) -> FhirServer:
    clients = {name: key[1] for name, key in KEYS.items()}
    server = FhirServer(name="bulk", resources=resources, clients=clients, bulk=profile, **kw)
    await server.start()
    return server


@pytest_asyncio.fixture
async def genesis() -> AsyncIterator[FhirServer]:
    server = await started(DATA.genesis, FAST)
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def bulk(genesis: FhirServer, http: aiohttp.ClientSession) -> Bulk:
    return Bulk(genesis, http, await token(http, genesis, "system/*.read system/*.write"))


# ---- what a group's export should hold, worked out from the data independently of the server


def references(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["reference"]} if isinstance(value.get("reference"), str) else set()
        return found.union(*(references(v) for k, v in value.items() if k != "reference"))
    if isinstance(value, list):
        return set().union(*(references(v) for v in value))
    return set()


def members(resources: list[Resource], gid: str) -> set[str]:
    group = next(r for r in resources if r["resourceType"] == "Group" and r["id"] == gid)
    return {m["entity"]["reference"] for m in group.get("member", [])}


def expected(resources: list[Resource], gid: str, types: tuple[str, ...]) -> dict[str, set[str]]:
    """(type -> ids) of the group's members, their clinical records, and what those refer to."""
    patients = members(resources, gid)
    out: dict[str, set[str]] = {t: set() for t in types}
    clinical = [
        r
        for r in resources
        if r["resourceType"] in types
        and r["resourceType"] not in ("Patient", "Practitioner", "Location", "Organization")
        and r.get("subject", {}).get("reference") in patients
    ]
    for r in clinical:
        out[r["resourceType"]].add(r["id"])
    out["Patient"] = {p.split("/")[1] for p in patients}
    cited = set().union(*(references(r) for r in clinical)) if clinical else set()
    for rtype in ("Practitioner", "Location", "Organization"):
        if rtype in types:
            out[rtype] = {c.split("/")[1] for c in cited if c.startswith(f"{rtype}/")}
    return out


def valid_r4(resource: Resource) -> None:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


# ---- the data ----------------------------------------------------------------------------------


def test_every_patient_is_in_exactly_one_group_of_its_sandbox() -> None:
    for resources in (DATA.genesis, DATA.community):
        patients = {f"Patient/{r['id']}" for r in resources if r["resourceType"] == "Patient"}
        groups = [r for r in resources if r["resourceType"] == "Group"]
        assert groups and all(g["type"] == "person" and g["actual"] is True for g in groups)
        placed = [m["entity"]["reference"] for g in groups for m in g.get("member", [])]
        assert sorted(placed) == sorted(patients)
        assert all(g["quantity"] == len(g.get("member", [])) for g in groups)
    assert {g["id"] for g in DATA.community if g["resourceType"] == "Group"} == {
        group_id("org-lakeside-family"),
        group_id("org-harbor-dental"),
    }


def test_every_resource_has_a_last_updated_before_the_demo_started() -> None:
    now = dt.datetime.now(dt.UTC)
    for r in DATA.genesis + DATA.community:
        stamp = dt.datetime.fromisoformat(r["meta"]["lastUpdated"])
        assert stamp.tzinfo is not None and stamp < now
    assert generate(extra_patients=8).genesis == DATA.genesis  # deterministic


# ---- the asynchronous request pattern -----------------------------------------------------------


async def test_a_group_export_holds_exactly_its_members_records_as_valid_r4(bulk: Bulk) -> None:
    params = {"_type": ",".join(EVERY_TYPE)}
    manifest, exported = await bulk.export(f"Group/{BRAGG}/$export", params)
    assert manifest["requiresAccessToken"] is True
    assert manifest["error"] == []
    assert manifest["request"] == f"{bulk.server.base_url}/Group/{BRAGG}/$export?_type={','.join(EVERY_TYPE)}"
    assert dt.datetime.fromisoformat(manifest["transactionTime"]) <= dt.datetime.now(dt.UTC)
    want = expected(DATA.genesis, BRAGG, EVERY_TYPE)
    got = {t: {r["id"] for r in exported.get(t, [])} for t in EVERY_TYPE}
    assert got == want
    assert len(want["Patient"]) >= 4 and want["Observation"] and want["Practitioner"]
    stored = {(r["resourceType"], r["id"]): r for r in bulk.server.store.all("Observation")}
    for resources in exported.values():
        for r in resources:
            valid_r4(r)
    assert all(stored[("Observation", r["id"])] == r for r in exported["Observation"])


async def test_while_running_status_is_202_with_retry_after_and_progress_then_delete_cancels(
    http: aiohttp.ClientSession,
) -> None:
    server = await started(DATA.genesis, dataclasses.replace(MILLENNIUM, step_seconds=30, retry_after=120))
    try:
        client = Bulk(server, http, await token(http, server, "system/*.read"))
        url = await client.start(f"Group/{YOKOSUKA}/$export")
        assert url.startswith(f"{server.base_url}/bulk-export/jobs/")
        status, _, headers = await client.status(url)
        assert (status, headers["Retry-After"]) == (202, "120")
        assert headers["X-Progress"].startswith("in-progress: 0 of")
        status, _, _ = await client.status(url, "DELETE")
        assert status == 202
        status, body, _ = await client.status(url)
        assert (status, body["issue"][0]["code"]) == (404, "not-found")
        assert (await client.status(url, "DELETE"))[0] == 404
        async with http.get(f"{server.admin_url}/stats") as response:
            by_path = (await response.json())["by_path"]
        assert by_path["/fhir/Group/{id}/$export"] == 1
        assert by_path["/fhir/bulk-export/jobs/{id}"] == 4  # polls and deletes, one bucket for all jobs
    finally:
        await server.stop()


async def test_large_types_are_split_over_several_files(http: aiohttp.ClientSession) -> None:
    server = await started(DATA.genesis, dataclasses.replace(FAST, file_lines=40))
    try:
        client = Bulk(server, http, await token(http, server, "system/Observation.read"))
        manifest, exported = await client.export(f"Group/{YOKOSUKA}/$export", {"_type": "Observation"})
        files = [o for o in manifest["output"] if o["type"] == "Observation"]
        assert len(files) >= 4 and all(o["count"] <= 40 for o in files)
        ids = [r["id"] for r in exported["Observation"]]
        assert len(ids) == len(set(ids)) == len(expected(DATA.genesis, YOKOSUKA, ("Observation",))["Observation"])
    finally:
        await server.stop()


async def test_an_export_is_a_snapshot_and_since_brings_only_later_changes(bulk: Bulk) -> None:
    lab = next(
        r for r in bulk.server.store.all("Observation") if r["subject"]["reference"] in members(DATA.genesis, BRAGG)
    )
    first = await bulk.start(f"Group/{BRAGG}/$export", {"_type": "Patient,Observation,Condition"})
    changed = {**lab, "status": "amended"}
    fhir = {**bulk.auth, "Content-Type": "application/fhir+json"}
    async with bulk.http.put(f"{bulk.server.base_url}/Observation/{lab['id']}", json=changed, headers=fhir) as resp:
        assert resp.status == 200, await resp.text()
    before = await bulk.finish(first)
    old = [r for o in before["output"] if o["type"] == "Observation" for r in await bulk.download(o["url"])]
    assert next(r for r in old if r["id"] == lab["id"])["status"] == lab["status"]  # the write did not leak in

    since = before["transactionTime"]
    manifest, exported = await bulk.export(f"Group/{BRAGG}/$export", {"_type": "Patient,Observation", "_since": since})
    assert manifest["transactionTime"] > since
    assert {t: [r["id"] for r in rs] for t, rs in exported.items()} == {"Observation": [lab["id"]]}
    assert exported["Observation"][0]["status"] == "amended"
    assert exported["Observation"][0]["meta"]["lastUpdated"] >= since


async def test_type_filter_narrows_one_type(bulk: Bulk) -> None:
    params = {"_type": "Condition", "_typeFilter": "Condition?clinical-status=active"}
    _, exported = await bulk.export(f"Group/{BRAGG}/$export", params)
    statuses = {r["clinicalStatus"]["coding"][0]["code"] for r in exported["Condition"]}
    assert statuses == {"active"}
    everything = expected(DATA.genesis, BRAGG, ("Condition",))["Condition"]
    assert {r["id"] for r in exported["Condition"]} < everything


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"_type": "Appointment"}, 400),  # not in Millennium's list
        ({"_type": "Binary,Patient"}, 400),
        ({"_type": "Location,Practitioner"}, 400),  # reference types need a clinical type too
        ({"_type": "Patient,"}, 400),
        ({"_since": "2024-01-01"}, 400),
        ({"_since": "2024-01-01T00:00:00"}, 400),  # no time zone
        ({"_since": "yesterday"}, 400),
        ({"_outputFormat": "text/csv"}, 400),
        ({"_elements": "id"}, 400),  # experimental v2 parameter Millennium does not support
        ({"patient": "Patient/pat-000001"}, 400),
        ({"_typeFilter": "Condition?clinical-status=active"}, 400),  # needs _type
        ({"_type": "Condition", "_typeFilter": "Observation?code=1"}, 400),
        ({"_type": "Condition", "_typeFilter": "Condition?subject=Patient/x"}, 422),
        ({"_type": "Condition", "_typeFilter": "Condition?nonsense=1"}, 422),
        ({"includeAssociatedData": "LatestProvenanceResources", "_type": "Patient"}, 400),
        ({"includeAssociatedData": "Everything"}, 400),
    ],
)
async def test_unsupported_parameters_and_values_are_refused_with_an_operation_outcome(
    bulk: Bulk, params: dict[str, str], status: int
) -> None:
    answer, body, _ = await bulk.kick_off(f"Group/{BRAGG}/$export", params)
    assert (answer, body["resourceType"], body["issue"][0]["code"]) == (status, "OperationOutcome", "invalid")


async def test_kick_off_needs_the_async_headers(bulk: Bulk) -> None:
    path = f"Group/{BRAGG}/$export"
    status, body, _ = await bulk.kick_off(path, Prefer="respond-sync")
    assert (status, body["issue"][0]["code"]) == (400, "invalid")
    status, body, _ = await bulk.kick_off(path, Accept="application/xml")
    assert (status, body["resourceType"]) == (406, "OperationOutcome")


async def test_lenient_handling_ignores_unknown_parameters_and_reports_them(bulk: Bulk) -> None:
    path = f"Group/{BRAGG}/$export"
    status, _, headers = await bulk.kick_off(
        path, [("_type", "Patient"), ("_elements", "id")], Prefer="respond-async, handling=lenient"
    )
    assert status == 202
    manifest = await bulk.finish(headers["Content-Location"])
    assert [o["type"] for o in manifest["output"]] == ["Patient"]
    (notes,) = [await bulk.download(e["url"]) for e in manifest["error"]]
    assert [n["resourceType"] for n in notes] == ["OperationOutcome"]
    assert "_elements" in notes[0]["issue"][0]["diagnostics"]


async def test_scopes_decide_what_may_be_exported(genesis: FhirServer, http: aiohttp.ClientSession) -> None:
    narrow = Bulk(genesis, http, await token(http, genesis, "system/Patient.read"))
    status, body, _ = await narrow.kick_off(f"Group/{BRAGG}/$export", {"_type": "Patient,Observation"})
    assert (status, body["issue"][0]["code"]) == (403, "forbidden")
    manifest, exported = await narrow.export(f"Group/{BRAGG}/$export")  # no _type: what the scopes allow
    assert set(exported) == {"Patient"}
    assert {o["type"] for o in manifest["output"]} == {"Patient"}
    # another client may neither poll nor download this client's export
    other = Bulk(genesis, http, await token(http, genesis, "system/*.read", client="other-job"))
    job = await narrow.start(f"Group/{BRAGG}/$export", {"_type": "Patient"})
    assert (await other.status(job))[0] == 403
    finished = await narrow.finish(job)
    async with http.get(finished["output"][0]["url"], headers=other.auth, allow_redirects=False) as response:
        assert response.status == 403


async def test_unknown_group_is_404_and_millennium_has_no_patient_level_export(bulk: Bulk) -> None:
    status, body, _ = await bulk.kick_off("Group/group-nowhere/$export")
    assert (status, body["issue"][0]["code"]) == (404, "not-found")
    status, body, _ = await bulk.kick_off("Patient/$export")
    assert (status, body["issue"][0]["code"]) == (404, "not-found")


async def test_millennium_runs_one_export_per_client_at_a_time(http: aiohttp.ClientSession) -> None:
    server = await started(DATA.genesis, dataclasses.replace(MILLENNIUM, step_seconds=30))
    try:
        client = Bulk(server, http, await token(http, server, "system/*.read"))
        running = await client.start(f"Group/{BRAGG}/$export", {"_type": "Patient"})
        status, body, headers = await client.kick_off(f"Group/{YOKOSUKA}/$export", {"_type": "Patient"})
        assert (status, body["issue"][0]["code"], headers["Retry-After"]) == (429, "throttled", "1")
        other = Bulk(server, http, await token(http, server, "system/*.read", client="other-job"))
        assert (await other.kick_off(f"Group/{YOKOSUKA}/$export", {"_type": "Patient"}))[0] == 202
        await client.status(running, "DELETE")
        assert (await client.kick_off(f"Group/{YOKOSUKA}/$export", {"_type": "Patient"}))[0] == 202
    finally:
        await server.stop()


async def test_millennium_files_redirect_to_a_signed_link_that_takes_no_token(bulk: Bulk) -> None:
    job = await bulk.start(f"Group/{BRAGG}/$export", {"_type": "Patient"})
    file_url = (await bulk.finish(job))["output"][0]["url"]
    async with bulk.http.get(file_url, allow_redirects=False) as response:
        assert response.status == 401
    async with bulk.http.get(file_url, headers=bulk.auth, allow_redirects=False) as response:
        assert response.status == 307
        signed = response.headers["Location"]
    async with bulk.http.get(signed, headers=bulk.auth) as response:
        assert response.status == 400  # the object store refuses a second credential
    async with bulk.http.get(signed[:-4] + "0000") as response:
        assert response.status == 403
    async with bulk.http.get(signed) as response:
        assert response.status == 200
    assert (await bulk.status(job, "DELETE"))[0] == 202
    async with bulk.http.get(signed) as response:
        assert response.status == 404  # deleting the export deletes its files
    async with bulk.http.get(file_url, headers=bulk.auth, allow_redirects=False) as response:
        assert response.status == 404


# ---- the community sandbox (Bulk Data IG) -----------------------------------------------------------


@pytest_asyncio.fixture
async def community() -> AsyncIterator[FhirServer]:
    server = await started(
        DATA.community, dataclasses.replace(BULK_IG, step_seconds=0.01, retry_after=0), writable=False
    )
    yield server
    await server.stop()


async def test_community_exports_a_practice_group_and_every_patient(
    community: FhirServer, http: aiohttp.ClientSession
) -> None:
    client = Bulk(community, http, await token(http, community, "system/*.read"))
    lakeside = group_id("org-lakeside-family")
    manifest, exported = await client.export(f"Group/{lakeside}/$export", {"_type": "Patient,Observation,Organization"})
    want = expected(DATA.community, lakeside, ("Patient", "Observation", "Organization"))
    assert {t: {r["id"] for r in exported.get(t, [])} for t in want} == want
    assert want["Organization"] == {"org-lakeside-family"}
    async with http.get(manifest["output"][0]["url"], headers=client.auth, allow_redirects=False) as response:
        assert response.status == 200  # served directly, with the token
    for resources in exported.values():
        for r in resources:
            valid_r4(r)
    _, everyone = await client.export("Patient/$export", {"_type": "Patient", "_outputFormat": "ndjson"})
    assert {r["id"] for r in everyone["Patient"]} == {r["id"] for r in DATA.community if r["resourceType"] == "Patient"}


async def test_community_group_export_needs_read_on_group(community: FhirServer, http: aiohttp.ClientSession) -> None:
    client = Bulk(community, http, await token(http, community, "system/Patient.read"))
    status, body, _ = await client.kick_off(f"Group/{group_id('org-harbor-dental')}/$export", {"_type": "Patient"})
    assert (status, body["issue"][0]["code"]) == (403, "forbidden")
    assert (await client.kick_off("Patient/$export", {"_type": "Patient"}))[0] == 202
