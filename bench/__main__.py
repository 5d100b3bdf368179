"""`python -m bench`: start the demo stack, measure, print a report (see bench/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os

import aiohttp

from gateway.demo.stack import DemoStack

from .client import Demo
from .runs import full_record, late_page, round_trips


async def main(runs: int) -> None:
    stack = DemoStack(
        port=0,
        database_url=os.environ.get("DATABASE_URL") or None,  # None: an embedded PostgreSQL
        fresh_databases=bool(os.environ.get("DATABASE_URL")),
        extra_patients=12,
        today=dt.date.today(),
    )
    async with stack, aiohttp.ClientSession() as session:
        demo = Demo(stack.info(), session)
        print("Upstream round trips, one request, clinician C2 with break-glass (gateway_upstream_requests_total):")
        trips = await round_trips(demo)
        keys = sorted(set(trips[1][0]) | set(trips[10][0]))
        print(f"  {'source':<12} {'kind':<16} {'1 patient':>9} {'10 patients':>11}")
        for source, kind in keys:
            print(f"  {source:<12} {kind:<16} {trips[1][0][(source, kind)]:>9} {trips[10][0][(source, kind)]:>11}")
        for n in (1, 10):
            total = sum(trips[n][0].values())
            print(f"  {n} patient(s): {total} upstream calls in all; sandbox counts {trips[n][1]}")
        for ms in (0, 20):
            lat = await full_record(demo, ms, runs)
            print(f"P1 full record, {ms:>2} ms per FHIR call: {lat}")
        for page in (1, 6):
            lat = await late_page(demo, page, runs)
            print(f"P3 labs page {page} (40 a page): {lat}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure (default 20)")
    asyncio.run(main(parser.parse_args().runs))
