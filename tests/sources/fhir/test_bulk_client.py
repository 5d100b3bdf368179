"""The Bulk Data export client against the real GENESIS and community sandboxes on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fhir.resources.R4B import get_fhir_model_class

from sandbox.data import generate
from sandbox.data.groups import group_id
from sandbox.fhir import BULK_IG, MILLENNIUM, FhirServer
from sources.fhir.bulk import (
    BulkExportClient,
    ExportGone,
    ExportNotReady,
    ExportRefused,
    ExportState,
    ExportThrottled,
    FileUnreadable,
    Manifest,
    ManifestUnreadable,
    OutputFile,
    PollPolicy,
)
from sources.genesis import GENESIS

from .support import Recorder, config_for, running

DATA = generate(extra_patients=6)
BRAGG, YOKOSUKA = group_id("loc-bragg"), group_id("loc-yokosuka")
FAST = dataclasses.replace(MILLENNIUM, step_seconds=0.01, retry_after=0, file_lines=25)
QUICK = PollPolicy(min_delay=0.01, max_delay=0.05, max_wait=30)
SCOPE = "system/Patient.read system/Observation.read system/Condition.read system/MedicationRequest.read"


class Stop(Exception):
    """Stands for the export job being killed."""


def client(server: FhirServer, http: aiohttp.ClientSession, **kw: Any) -> BulkExportClient:
    kw.setdefault("policy", QUICK)
    config = config_for(server, scope=kw.pop("scope", SCOPE))
    return BulkExportClient(GENESIS, config, http, kw.pop("observer", None), **kw)


def saved(directory: Path) -> dict[str, list[dict[str, Any]]]:
    """The resources in the saved files, by type; no half-written file left behind."""
    assert not list(directory.glob("*.part"))
    out: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.ndjson")):
        rtype = path.name.split(".")[2]
        out.setdefault(rtype, []).extend(json.loads(line) for line in path.read_text().splitlines())
    return out


@contextlib.asynccontextmanager
async def genesis(**profile: Any) -> AsyncIterator[FhirServer]:
    async with running(DATA.genesis, bulk=dataclasses.replace(FAST, **profile)) as server:
        yield server


async def test_an_export_is_saved_whole_as_valid_r4_and_deleted_on_the_server(
    http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    async with genesis() as server:
        bulk = client(server, http)
        states: list[ExportState] = []
        final = await bulk.export(
            BRAGG, tmp_path, types=("Patient", "Observation", "Condition"), on_state=states.append
        )
        assert final.manifest is not None and final.pending == ()
        assert [s.manifest is None for s in states[:2]] == [True, False]
        exported = saved(tmp_path)
        members = {m["entity"]["reference"] for g in DATA.genesis if g.get("id") == BRAGG for m in g["member"]}
        assert {f"Patient/{p['id']}" for p in exported["Patient"]} == members
        assert sum(f.count or 0 for f in final.manifest.output) == sum(len(v) for v in exported.values())
        for resources in exported.values():
            for r in resources:
                get_fhir_model_class(r["resourceType"]).model_validate(r)
        with pytest.raises(ExportGone):
            await bulk.check(ExportState(final.status_url))  # deleted after the download


async def test_polling_waits_what_retry_after_asks_within_the_policy(http: aiohttp.ClientSession) -> None:
    asked: list[float] = []

    async def sleep(seconds: float) -> None:
        asked.append(seconds)
        await asyncio.sleep(0.01)  # the job's own steps still take real time

    async with genesis(retry_after=7, step_seconds=0.02) as server:
        bulk = client(server, http, sleep=sleep, policy=PollPolicy(min_delay=0.5, max_delay=60))
        state = await bulk.wait(await bulk.kick_off(BRAGG, types=("Patient", "Observation")))
        assert state.manifest is not None
        assert asked and set(asked) == {7.0}
        asked.clear()
        capped = client(server, http, sleep=sleep, policy=PollPolicy(min_delay=0.5, max_delay=2))
        await capped.wait(await capped.kick_off(YOKOSUKA, types=("Patient",)))
        assert asked and set(asked) == {2.0}


async def test_a_job_stopped_halfway_resumes_from_its_saved_state(http: aiohttp.ClientSession, tmp_path: Path) -> None:
    async with genesis() as server:
        journal = tmp_path / "state.json"
        out = tmp_path / "files"
        out.mkdir()

        def persist_then_die_after_two_files(state: ExportState) -> None:
            journal.write_text(json.dumps(state.to_json()))
            if len(state.downloaded) == 2:
                raise Stop

        first = client(server, http)
        with pytest.raises(Stop):
            await first.export(
                YOKOSUKA, out, types=("Patient", "Observation"), on_state=persist_then_die_after_two_files
            )
        halfway = ExportState.from_json(json.loads(journal.read_text()))
        assert halfway.manifest is not None and len(halfway.downloaded) == 2 and len(halfway.pending) >= 3

        recorder = Recorder()
        async with aiohttp.ClientSession() as fresh:  # a new process: new session, new token
            resumed = client(server, fresh, observer=recorder)
            final = await resumed.export(YOKOSUKA, out, state=halfway)
        downloads = [c for c in recorder.calls if c[1] == "bulk-export" and c[2] == "307"]
        assert len(downloads) == len(halfway.pending)  # only the files not saved before
        assert final.pending == ()
        exported = saved(out)
        obs = [r["id"] for r in exported["Observation"]]
        assert len(obs) == len(set(obs)) == sum(f.count or 0 for f in final.manifest.output if f.type == "Observation")


async def test_a_job_stopped_while_polling_resumes_polling_the_same_export(http: aiohttp.ClientSession) -> None:
    async with genesis(step_seconds=0.05) as server:
        state = await client(server, http).kick_off(BRAGG, types=("Patient",))
        kept = json.dumps(state.to_json())
        resumed = client(server, http)
        done = await resumed.wait(ExportState.from_json(json.loads(kept)))
        assert done.status_url == state.status_url and done.manifest is not None
        patients = [r for f in done.manifest.output async for r in resumed.resources(done.manifest, f)]
        assert {p["resourceType"] for p in patients} == {"Patient"} and len(patients) >= 4


async def test_polling_is_bounded_and_the_export_can_then_be_cancelled(http: aiohttp.ClientSession) -> None:
    async def no_wait(_: float) -> None:
        await asyncio.sleep(0)

    async with genesis(step_seconds=30, retry_after=5) as server:
        bulk = client(server, http, sleep=no_wait, policy=PollPolicy(min_delay=1, max_delay=5, max_wait=12))
        state = await bulk.kick_off(BRAGG)
        with pytest.raises(ExportNotReady) as caught:
            await bulk.wait(state)
        assert caught.value.code == "BULK_EXPORT_NOT_READY"
        await bulk.cancel(state)
        await bulk.cancel(state)  # already gone is fine
        with pytest.raises(ExportGone):
            await bulk.wait(state)


async def test_refusals_are_typed_errors_without_identifiers(http: aiohttp.ClientSession) -> None:
    async with genesis(step_seconds=30, retry_after=3) as server:
        bulk = client(server, http)
        with pytest.raises(ExportRefused) as unknown:
            await bulk.kick_off("group-nowhere", types=("Patient",))
        assert (unknown.value.status, unknown.value.issue_code) == (404, "not-found")
        with pytest.raises(ExportRefused) as scope:
            await bulk.kick_off(BRAGG, types=("Patient", "DocumentReference"))
        assert (scope.value.status, scope.value.issue_code) == (403, "forbidden")
        with pytest.raises(ExportRefused) as bad:
            await bulk.kick_off(BRAGG, types=("Appointment",))
        assert bad.value.status == 400 and "?" not in bad.value.url
        running_job = await bulk.kick_off(BRAGG, types=("Patient",), since=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        with pytest.raises(ExportThrottled) as busy:
            await bulk.kick_off(YOKOSUKA, types=("Patient",))
        assert busy.value.retry_after == 3.0
        await bulk.cancel(running_job)
        with pytest.raises(ValueError):
            await bulk.kick_off("../Patient", types=("Patient",))
        with pytest.raises(ValueError):
            await bulk.kick_off(BRAGG, since=dt.datetime(2020, 1, 1))  # no time zone


async def test_since_from_the_last_manifest_fetches_only_what_changed(http: aiohttp.ClientSession) -> None:
    async with genesis() as server:
        bulk = client(server, http)
        first = await bulk.wait(await bulk.kick_off(BRAGG, types=("Patient", "Condition")))
        assert first.manifest is not None
        patient = server.store.get("Patient", DATA.personas["P1"].genesis_patient_id or "")
        assert patient is not None
        server.store.update({**patient, "active": False}, patient["id"])
        later = await bulk.wait(
            await bulk.kick_off(BRAGG, types=("Patient", "Condition"), since=first.manifest.transaction_time)
        )
        assert later.manifest is not None
        changed = [r for f in later.manifest.output async for r in bulk.resources(later.manifest, f)]
        assert [(r["resourceType"], r["id"], r["active"]) for r in changed] == [("Patient", patient["id"], False)]


async def test_type_filters_and_output_format_reach_the_server(http: aiohttp.ClientSession) -> None:
    async with genesis() as server:
        bulk = client(server, http)
        state = await bulk.wait(
            await bulk.kick_off(
                YOKOSUKA,
                types=("Condition",),
                type_filters=("Condition?clinical-status=active",),
                output_format="application/ndjson",
            )
        )
        assert state.manifest is not None and "_typeFilter=" in state.manifest.request
        conditions = [r for f in state.manifest.output async for r in bulk.resources(state.manifest, f)]
        assert conditions and {c["clinicalStatus"]["coding"][0]["code"] for c in conditions} == {"active"}


async def test_community_files_come_directly_and_long_lines_arrive_whole(http: aiohttp.ClientSession) -> None:
    big = {
        "resourceType": "Patient",
        "id": "cpat-big",
        "managingOrganization": {"reference": "Organization/org-lakeside-family"},
        "name": [{"family": "Long", "given": ["x" * 300_000]}],  # one line far beyond a read chunk
    }
    lakeside = next(r for r in DATA.community if r.get("id") == group_id("org-lakeside-family"))
    group = {**lakeside, "member": [*lakeside["member"], {"entity": {"reference": "Patient/cpat-big"}}]}
    resources = [r for r in DATA.community if r is not lakeside] + [big, group]
    profile = dataclasses.replace(BULK_IG, step_seconds=0.01, retry_after=0)
    async with running(resources, bulk=profile, writable=False) as server:
        bulk = client(server, http, scope="system/Group.read system/Patient.read")
        state = await bulk.wait(await bulk.kick_off(group["id"], types=("Patient",)))
        assert state.manifest is not None
        patients = [r for f in state.manifest.output async for r in bulk.resources(state.manifest, f)]
        found = next(p for p in patients if p["id"] == "cpat-big")
        assert {k: v for k, v in found.items() if k != "meta"} == big
        everyone = await bulk.wait(await bulk.kick_off(None, types=("Patient",)))  # Patient/$export
        assert everyone.manifest is not None
        assert everyone.manifest.output[0].count == sum(r["resourceType"] == "Patient" for r in resources)


async def test_the_token_never_goes_to_another_origin_and_bad_lines_are_refused(http: aiohttp.ClientSession) -> None:
    async with genesis() as server:
        bulk = client(server, http)
        foreign = Manifest(dt.datetime.now(dt.UTC), "x", True, (OutputFile("Patient", "http://203.0.113.9/f"),))
        with pytest.raises(ManifestUnreadable):
            await anext(bulk.lines(foreign, foreign.output[0]))
        state = await bulk.wait(await bulk.kick_off(BRAGG, types=("Patient",)))
        assert state.manifest is not None
        mislabelled = dataclasses.replace(state.manifest.output[0], type="Observation")
        with pytest.raises(FileUnreadable):
            await anext(bulk.resources(state.manifest, mislabelled))


def test_a_state_round_trips_through_json_and_garbage_is_refused() -> None:
    manifest = Manifest(
        dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "https://fhir.example/Group/g/$export",
        True,
        (OutputFile("Patient", "https://fhir.example/f/1", 3),),
        (OutputFile("OperationOutcome", "https://fhir.example/f/2"),),
    )
    state = ExportState("https://fhir.example/jobs/1", manifest, ("https://fhir.example/f/1",))
    assert ExportState.from_json(json.loads(json.dumps(state.to_json()))) == state
    assert state.pending == (manifest.error[0],)
    for junk in ({}, {"statusUrl": 1}, {"statusUrl": "u", "downloaded": "x"}, {"statusUrl": "u", "manifest": {}}):
        with pytest.raises(ValueError):
            ExportState.from_json(junk)
