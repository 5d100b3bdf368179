"""The export job: killed halfway it resumes where it stopped; an increment adds only what changed."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from gateway.config import MartConfig
from gateway.mart.runner import run_export
from tests.mart.snapshots import rows, text_of
from tests.support.analysts import wait_for_mart

BIN = Path(sys.executable).parent
EXTRA = "2000000011"  # an extra patient no other test reads


def _config(demo_stack: Any, folder: Path) -> Any:
    return dataclasses.replace(demo_stack.config, mart=MartConfig(directory=folder))


def _kick_offs(demo_stack: Any) -> list[str]:
    """The Group ids of the `$export` kick-offs both sandboxes saw (oldest first)."""
    found = []
    for server in (demo_stack.genesis, demo_stack.community):
        for entry in server.recorder.entries():
            if entry.method == "GET" and entry.path.endswith("/$export"):
                found.append(entry.path.split("/Group/", 1)[1].split("/", 1)[0])
    return found


async def _state_when(folder: Path, ready: Any, within: float = 60.0) -> dict[str, Any]:
    state_file = folder / "work" / "state.json"
    loop = asyncio.get_running_loop()
    until = loop.time() + within
    while loop.time() < until:
        try:
            state = json.loads(state_file.read_text())
        except (OSError, ValueError):
            state = {}
        if ready(state):
            return state
        await asyncio.sleep(0.02)
    raise TimeoutError("the export never got there")


def _half_done(state: dict[str, Any]) -> bool:
    units = state.get("run", {}).get("units", {}).values()
    return any(u["done"] for u in units) and not all(u["done"] for u in units)


async def test_an_export_killed_halfway_resumes_where_it_stopped(demo_stack: Any, tmp_path: Path) -> None:
    await wait_for_mart(demo_stack)  # the demo's own export is done: the sandboxes are ours
    folder = tmp_path / "mart"
    env = {**os.environ, **demo_stack.environment, "MHS_GATEWAY_MART_DIR": str(folder), "MHS_GATEWAY_MART_REFRESH": "0"}
    process = await asyncio.create_subprocess_exec(str(BIN / "mhs-gateway"), "mart", "export", env=env,
                                                   stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        state = await _state_when(folder, _half_done)
    finally:
        process.kill()  # SIGKILL: no cleanup of any kind
        await process.wait()
    state = json.loads((folder / "work" / "state.json").read_text())
    assert _half_done(state) and (folder / "CURRENT").exists() is False
    assert list((folder / "work" / "staged").rglob("*.parquet"))  # rows staged before the kill ...
    assert _phi_in(demo_stack, folder) == []  # ... de-identified like everything the mart holds
    done = {key.split("|", 1)[1] for key, u in state["run"]["units"].items() if u["done"]}
    for server in (demo_stack.genesis, demo_stack.community):
        server.recorder.clear()
    report = await run_export(_config(demo_stack, folder))
    assert report.full
    assert not done & set(_kick_offs(demo_stack))  # the units finished before the kill were not read again
    resumed = rows(folder)
    clean_folder = tmp_path / "clean"
    await run_export(_config(demo_stack, clean_folder))
    assert resumed == rows(clean_folder) and sum(len(t) for t in resumed.values()) > 100
    assert "run" not in json.loads((folder / "work" / "state.json").read_text())


async def test_an_increment_since_the_last_export_adds_only_what_changed(demo_stack: Any, tmp_path: Path) -> None:
    await wait_for_mart(demo_stack)
    folder = tmp_path / "mart"
    config = _config(demo_stack, folder)
    await run_export(config)
    before = rows(folder)
    store = demo_stack.genesis.store
    patient = next(p for p in store.all("Patient")
                   if any(i.get("value") == EXTRA for i in p.get("identifier", [])))
    subject = {"reference": f"Patient/{patient['id']}"}
    lab = next(o for o in store.all("Observation") if o.get("subject", {}).get("reference") == subject["reference"])
    onset = (dt.date.today() - dt.timedelta(days=400)).isoformat()
    store.create({"resourceType": "Condition", "subject": subject, "identifier": [{"value": "INC-COND-1"}],
                  "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                                 "code": "active"}]},
                  "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E66.9",
                                       "display": "Obesity, unspecified"}]},
                  "onsetDateTime": onset})
    store.update({**lab, "status": "entered-in-error"}, lab["id"])
    for server in (demo_stack.genesis, demo_stack.community):
        server.recorder.clear()
    report = await run_export(config)
    after = rows(folder)
    assert not report.full
    kick_offs = [e for s in (demo_stack.genesis, demo_stack.community) for e in s.recorder.entries()
                 if e.method == "GET" and e.path.endswith("/$export")]
    assert kick_offs and all(any(k == "_since" for k, _ in e.query) for e in kick_offs)
    assert report.rows.get("GENESIS") == 2 and not report.rows.get("COMMUNITY") and not report.rows.get("TOL_ARCHIVE")
    for table in before:
        if table not in ("conditions", "lab_results"):
            assert after[table] == before[table], table
    added = after["conditions"] - before["conditions"]
    assert len(added) == 1 and before["conditions"] <= after["conditions"]
    assert next(iter(added))[5:10] == ("http://hl7.org/fhir/sid/icd-10-cm", "E66.9", "Obesity, unspecified",
                                           "active", int(onset[:4]))
    assert len(before["lab_results"] - after["lab_results"]) == 1 and after["lab_results"] < before["lab_results"]


def _phi_in(demo_stack: Any, folder: Path) -> list[str]:
    """DoD IDs, names and free texts of the demo data found anywhere in `folder`'s bytes."""
    data = text_of(folder)
    people = [p for p in demo_stack.data.genesis if p["resourceType"] == "Patient"]
    dod_ids = {i["value"] for p in people for i in p.get("identifier", []) if str(i.get("value", "")).isdigit()}
    assert len(dod_ids) > 10
    names = {n for p in people for name in p.get("name", []) for n in (name.get("family"), *name.get("given", []))}
    texts = {m.body for m in demo_stack.data.tol.messages} | {
        r.get("description") for r in demo_stack.data.genesis if r["resourceType"] == "Appointment"}
    texts |= {r.get("valueString") for r in demo_stack.data.genesis if r["resourceType"] == "Observation"}
    texts |= {d.get("text") for r in demo_stack.data.genesis if r["resourceType"] == "MedicationRequest"
              for d in r.get("dosageInstruction", [])}
    wanted = dod_ids | {n for n in names if n and len(n) > 3} | {t for t in texts if t and len(t) > 8}
    return [v for v in sorted(wanted) if v.encode() in data]


async def test_the_mart_holds_no_dod_id_no_name_and_no_free_text(demo_stack: Any) -> None:
    """Every file of the demo's mart folder (snapshots, state), byte by byte."""
    await wait_for_mart(demo_stack)
    assert _phi_in(demo_stack, demo_stack.mart_dir) == []


async def test_mart_ddl_names_the_current_snapshot(demo_stack: Any) -> None:
    current = await wait_for_mart(demo_stack)
    env = {**os.environ, **demo_stack.environment}
    process = await asyncio.create_subprocess_exec(str(BIN / "mhs-gateway"), "mart", "ddl", "--engine", "trino",
                                                   "--location", "s3://mhs-mart", env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    assert process.returncode == 0
    assert f"external_location = 's3://mhs-mart/snapshots/{current}/lab_results'" in out.decode()
