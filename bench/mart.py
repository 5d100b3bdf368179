"""`python -m bench.mart [--patients 1000] [--runs 20]`: the analytics mart at scale.

Starts the demo stack with N extra patients (its own background export off), then measures:
1. a full export of every source into a fresh mart folder (Bulk Data Group exports of GENESIS and
   the HIE, the TOL archive by SQL; linking, de-identification, staging, the DuckDB build), its
   time, and the size of the snapshot it published;
2. an increment right after (nothing changed: what `_since` costs);
3. the median and p95 time of cohort questions through GraphQL as an analyst (the issue's: HbA1c
   above range by facility and age band; a condition prefix by sex; everyone by service).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from gateway.app import create_app
from gateway.auth.principal import PROJECT_CLAIM
from gateway.config import MartConfig
from gateway.demo.serve import InLoopServer
from gateway.demo.stack import DemoStack
from gateway.mart import MartLayout
from gateway.mart.runner import run_export

QUESTIONS = {
    "HbA1c above range by facility and age band": (
        '{ labs: [{ code: "4548-4", interpretations: [HIGH, CRITICAL_HIGH] }] }', "[FACILITY, AGE_BAND]"),
    "E11 (type 2 diabetes) by sex, 2020-2030": (
        '{ conditions: ["E11"], period: { fromYear: 2020, toYear: 2030 } }', "[SEX]"),
    "everyone by service": ("{}", "[SERVICE]"),
}
QUERY = "{ cohort(criteria: %s, by: %s) { total { count } cells { count suppressed } } }"


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


async def _time(session: aiohttp.ClientSession, url: str, token: str, query: str, runs: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    samples = []
    for i in range(runs + 2):
        began = time.perf_counter()
        async with session.post(url, json={"query": query}, headers=headers) as response:
            body = await response.json()
        if response.status != 200 or body.get("errors"):
            raise RuntimeError(f"cohort question failed: {body.get('errors')}")
        if i >= 2:  # two warm-up runs
            samples.append((time.perf_counter() - began) * 1000)
    return samples


async def main(patients: int, runs: int) -> None:
    stack = DemoStack(port=0, database_url=os.environ.get("DATABASE_URL") or None,
                      fresh_databases=bool(os.environ.get("DATABASE_URL")), extra_patients=patients,
                      today=dt.date.today(), mart=False)
    with tempfile.TemporaryDirectory(prefix="mhs-mart-bench-") as folder:
        async with stack, aiohttp.ClientSession() as session:
            environment = {**stack.environment, "MHS_GATEWAY_MART_DIR": folder,
                           "MHS_GATEWAY_GENESIS_EXPORT_GROUPS": ",".join(_groups(stack, "genesis")),
                           "MHS_GATEWAY_COMMUNITY_EXPORT_GROUPS": ",".join(_groups(stack, "community"))}
            from gateway.config import Config

            config = Config.from_env(environment)
            full = await run_export(config, full=True)
            layout = MartLayout(Path(folder))
            snapshot = layout.snapshot(full.snapshot_id)
            print(f"Mart for {patients} extra patients ({len(stack.data.personas)} personas besides):")
            print(f"  full export: {full.seconds:.1f} s, {full.batches} batches, rows staged {dict(full.rows)}")
            print(f"  snapshot: {_size(snapshot) / 1024:.0f} KiB of Parquet in {len(list(snapshot.rglob('*.parquet')))}"
                  f" files")
            again = await run_export(config)
            print(f"  increment with nothing changed (_since): {again.seconds:.1f} s, rows staged {dict(again.rows)}")
            served = dataclasses.replace(config, mart=MartConfig(directory=Path(folder)))
            server = InLoopServer(host="127.0.0.1", port=0)
            await server.start(create_app(served))
            try:
                token = stack.issuer.mint("analyst", "bench-analyst", amr=["cac"],
                                          extra_claims={PROJECT_CLAIM: "bench-study"})
                for title, (criteria, by) in QUESTIONS.items():
                    samples = await _time(session, f"{server.url}/graphql", token, QUERY % (criteria, by), runs)
                    ordered = sorted(samples)
                    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
                    print(f"  cohort, {title}: median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms "
                          f"({runs} runs)")
            finally:
                await server.stop()


def _groups(stack: DemoStack, sandbox: str) -> list[str]:
    resources = stack.data.genesis if sandbox == "genesis" else stack.data.community
    return sorted(str(r["id"]) for r in resources if r.get("resourceType") == "Group")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.mart", description=__doc__)
    parser.add_argument("--patients", type=int, default=1000, help="extra synthetic patients (default 1000)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per cohort question (default 20)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.patients, arguments.runs))
