"""The measurements: round trips for 1 vs 10 patients, full-record latency, early vs late pages."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from sandbox.data.model import DemoData

from .client import Demo
from .queries import FULL_RECORD, LABS_PAGE, aliased

__all__ = ["Latency", "full_record", "late_page", "linking", "round_trips"]

GLASS = {"X-Break-Glass-Reason": "benchmark"}  # a clinician then reads any patient
PATIENTS = ["1000000001", "1000000002", "1000000003", "1000000004"] + [str(2000000000 + i) for i in range(6)]


@dataclass(frozen=True)
class Latency:
    median_ms: float
    p95_ms: float
    runs: int

    def __str__(self) -> str:
        return f"median {self.median_ms} ms, p95 {self.p95_ms} ms ({self.runs} runs)"

    @classmethod
    def of(cls, samples: list[float]) -> Latency:
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return cls(round(statistics.median(ordered), 1), round(p95, 1), len(ordered))


async def round_trips(demo: Demo) -> dict[int, tuple[Counter[tuple[str, str]], dict[str, int]]]:
    """For 1 and 10 patients in one request: the gateway's per (source, kind) counts and the
    sandboxes' own request counts."""
    out = {}
    for group in (PATIENTS[:1], PATIENTS):
        await demo.query("C2", aliased(group), headers=GLASS)  # warm: tokens, practice names
        before = await demo.upstream()
        await demo.reset_sandbox_stats()
        await demo.query("C2", aliased(group), headers=GLASS)
        out[len(group)] = ((await demo.upstream()) - before, await demo.sandbox_requests())
    return out


async def full_record(demo: Demo, latency_ms: int, runs: int) -> Latency:
    """P1's full record, `runs` times, with `latency_ms` injected into every FHIR request."""
    await demo.latency(latency_ms)
    try:
        await demo.query("P1", FULL_RECORD)  # warm
        samples = [await demo.timed("P1", FULL_RECORD) for _ in range(runs)]
    finally:
        await demo.latency(0)
    return Latency.of(samples)


async def late_page(demo: Demo, page: int, runs: int) -> Latency:
    """P3's labs, page `page` of 40: the cursor is fetched once, then that page is timed."""
    after = None
    for _ in range(page - 1):
        data = await demo.query("P3", LABS_PAGE, {"after": after})
        after = data["me"]["labResults"]["pageInfo"]["endCursor"]
    samples = [await demo.timed("P3", LABS_PAGE, {"after": after}) for _ in range(runs)]
    return Latency.of(samples)


_LINKED = "labResults(first: 30) { edges { node { provenance { source sourceId } } } }"


async def linking(demo: Demo, data: DemoData, batch: int = 5) -> dict[str, int]:
    """Where the gateway puts each community record of the extra and look-alike patients, against
    the ground truth the generator kept: wrong links (must be 0) and refused true matches. A
    record is seen through its labs (every such community patient has at least one)."""
    owner_of = {r["id"]: str(r["subject"]["reference"]).removeprefix("Patient/") for r in data.community
                if r["resourceType"] == "Observation" and r.get("subject")}  # fmt: skip
    asked = sorted({d for d in data.community_owners.values() if d and d >= "2000000000"}
                   | {r["identifier"][0]["value"] for r in data.genesis if r["resourceType"] == "Patient"
                      and r.get("identifier") and r["identifier"][0]["value"] >= "2000000000"})  # fmt: skip
    claimed: dict[str, set[str]] = {}
    for start in range(0, len(asked), batch):
        group = asked[start : start + batch]
        document = "{ " + " ".join(f'p{i}: patient(dodId: "{d}") {{ {_LINKED} }}' for i, d in enumerate(group)) + " }"
        answer = await demo.query("C2", document, headers=GLASS)
        for i, dod_id in enumerate(group):
            for edge in answer[f"p{i}"]["labResults"]["edges"]:
                shown = edge["node"]["provenance"]
                if shown["source"] == "COMMUNITY" and shown["sourceId"] in owner_of:
                    claimed.setdefault(owner_of[shown["sourceId"]], set()).add(dod_id)
    truth = {pid: owner for pid, owner in data.community_owners.items() if owner is None or owner in asked}
    wrong = sum(1 for pid, owner in truth.items() if claimed.get(pid, set()) - {owner})
    refused = sum(1 for pid, owner in truth.items() if owner is not None and owner not in claimed.get(pid, set()))
    return {"pairs": len(data.lookalikes), "community_records": len(truth), "wrong": wrong, "refused": refused,
            "linked": sum(1 for pid, owner in truth.items() if owner is not None and owner in claimed.get(pid, set()))}
