"""One soak run: the world up, users and faults for the given time, recovery, the checks, the table."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass

import aiohttp

from .client import Client
from .faults import schedule
from .ledger import Ledger
from .users import clinician, patient
from .verify import MemorySampler, Verdict, recover, verify
from .world import World, soak_world

__all__ = ["SoakResult", "soak"]

_DOD_SYSTEM = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"
_TOKEN_TTL = 6 * 3600


@dataclass
class SoakResult:
    seconds: float
    ledger: Ledger
    faults: Counter[str]
    verdict: Verdict
    recovered: bool
    memory: tuple[float, float]
    workers_seen: int

    @property
    def clean(self) -> bool:
        v = self.verdict
        return (self.recovered and not v.lost and not v.duplicated and not v.double_booked and v.unaudited == 0
                and self.ledger.fivexx() == 0 and self.ledger.hangs == 0)

    def table(self) -> str:
        ledger, verdict = self.ledger, self.verdict
        rows = [
            ("duration", f"{self.seconds:.0f} s"),
            ("requests", str(sum(ledger.statuses.values()))),
            ("faults injected", str(sum(self.faults.values()))),
            *((f"  {name}", str(n)) for name, n in sorted(self.faults.items())),
            ("answers by status", ""),
            *((f"  {status}", str(n)) for status, n in sorted(ledger.statuses.items())),
            ("writes acknowledged", str(len(ledger.acks))),
            *((f"  {action}", str(n)) for action, n in sorted(Counter(a.action for a in ledger.acks).items())),
            ("write retries (same key), by cause", str(sum(ledger.retried.values()))),
            *((f"  {cause}", str(n)) for cause, n in sorted(ledger.retried.items())),
            ("lost writes", str(len(verdict.lost))),
            ("duplicated writes", str(len(verdict.duplicated))),
            ("double-booked slots", str(len(verdict.double_booked))),
            ("answers with health data", str(len(ledger.data_answers))),
            ("unaudited answers", str(verdict.unaudited)),
            ("5xx other than the fail-closed 503", str(ledger.fivexx())),
            ("hung requests", str(ledger.hangs)),
            ("sources recovered afterwards", "yes" if self.recovered else "NO"),
            ("gateway worker processes seen", str(self.workers_seen)),
            ("largest worker RSS / growth", f"{self.memory[0]:.0f} MiB / x{self.memory[1]:.2f}"),
        ]
        width = max(len(name) for name, _ in rows)
        lines = [f"{name:<{width}}  {value}" for name, value in rows]
        problems = [*verdict.lost[:5], *verdict.duplicated[:5], *verdict.double_booked[:5],
                    *(f"unaudited {op}" for op in verdict.unaudited_operations[:5])]
        return "\n".join(lines + ([f"first problems: {problems}"] if problems else []))


def _patients(world: World, extra: int) -> list[str]:
    dod_ids = sorted(
        str(i["value"]) for r in world.stack.genesis.store.all("Patient") for i in r.get("identifier") or ()
        if i.get("system") == _DOD_SYSTEM and str(i.get("value", "")).startswith("2")
    )
    return ["1000000001", "1000000004", *dod_ids[:extra]]


async def _run_users(world: World, ledger: Ledger, stop: asyncio.Event, extra: int) -> None:
    url, stack = world.stack.info()["graphql_url"], world.stack
    deadline = stack.config.request_timeout
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True)) as session:
        tasks = []
        for n, dod_id in enumerate(_patients(world, extra)):
            token = stack.issuer.mint("patient", dod_id, ttl=_TOKEN_TTL, amr=["dslogon"])
            tasks.append(patient(Client(session, url, token, ledger, deadline, random.Random(n)), dod_id, ledger, stop))
        c1 = stack.personas["C1"].token
        panel = ["1000000001", "1000000002"]
        tasks.append(clinician(Client(session, url, c1, ledger, deadline, random.Random(-1)), panel, stop))
        await asyncio.gather(*tasks)


async def soak(seconds: float, extra_patients: int, *, hold: float, quiet: float) -> SoakResult:
    """Users and faults for `seconds`, then recovery and the checks."""
    async with soak_world(max(extra_patients, 12)) as world:
        ledger = Ledger()
        stop, faults_stop = asyncio.Event(), asyncio.Event()
        sampler = MemorySampler(world)
        sampling = asyncio.create_task(sampler.run(stop))
        users = asyncio.create_task(_run_users(world, ledger, stop, extra_patients))
        faults = asyncio.create_task(schedule(world, faults_stop, hold=hold, quiet=quiet))
        await asyncio.sleep(max(seconds - hold - quiet, seconds * 0.8))
        faults_stop.set()  # the last part runs without faults: what was broken must come back
        injected = await faults
        await asyncio.sleep(seconds - max(seconds - hold - quiet, seconds * 0.8))
        stop.set()
        await users
        await sampling
        recovered = await recover(world)
        verdict = await verify(world, ledger)
        return SoakResult(seconds, ledger, injected, verdict, recovered, sampler.summary(), len(sampler.samples))
