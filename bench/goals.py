"""The issue's targets, met or not, from one run's figures (reported, never asserted in tests)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from .measure import RunResult

__all__ = ["Goal", "evaluate"]


@dataclass(frozen=True)
class Goal:
    name: str
    wanted: str
    value: float | None
    met: bool | None  # None: not measured in this run
    detail: str

    def row(self) -> dict[str, object]:
        return {"name": self.name, "wanted": self.wanted, "value": self.value, "met": self.met, "detail": self.detail}


def _find(results: Sequence[RunResult], server: str, scenario: str, workers: int, conns: int) -> RunResult | None:
    key = (server, scenario, workers, conns)
    return next((r for r in results if (r.server, r.scenario, r.workers, r.connections) == key), None)


def _ratio(goal: str, wanted: str, num: float | None, den: float | None, ok: bool | None, detail: str) -> Goal:
    if num is None or den is None or den == 0:
        return Goal(goal, wanted, None, None, "not measured: " + detail)
    value = round(num / den, 2)
    return Goal(goal, wanted, value, ok if ok is not None else None, detail)


def evaluate(results: Sequence[RunResult], *, conns: int = 50, latency_ms: int = 20) -> list[Goal]:
    out = []
    gw = _find(results, "gateway", "portal_genesis", 1, conns)
    peer = _find(results, "mesh", "mesh_portal_genesis", 1, conns)
    if gw and peer:
        r = gw.rate / peer.rate if peer.rate else 0.0
        out.append(_ratio("peer_rate", ">= 2.0", gw.rate, peer.rate, r >= 2.0,
                          f"GENESIS-only portal home at {conns} conns, 1 process each: {gw.rate} vs {peer.rate} req/s"))
        c = gw.cpu_ms_per_op["server"] / peer.cpu_ms_per_op["server"] if peer.cpu_ms_per_op["server"] else 0.0
        out.append(_ratio("peer_cpu", "<= 1.0", gw.cpu_ms_per_op["server"], peer.cpu_ms_per_op["server"], c <= 1.0,
                          f"CPU ms/op {gw.cpu_ms_per_op['server']} vs {peer.cpu_ms_per_op['server']}"))
    else:
        out.append(Goal("peer_rate", ">= 2.0", None, None, "not measured"))
    home1 = _find(results, "gateway", "portal_home", 1, conns)
    home2 = _find(results, "gateway", "portal_home", 2, conns)
    if home1:
        cpu = home1.cpu_ms_per_op["server"]
        out.append(Goal("portal_cpu", "<= 4 ms", cpu, cpu <= 4.0, f"three-source portal home, 1 worker, {conns} conns"))
    if home1 and home2:
        r = home2.rate / home1.rate if home1.rate else 0.0
        out.append(_ratio("workers", ">= 1.8", home2.rate, home1.rate, r >= 1.8,
                          f"portal home at {conns} conns: 2 workers {home2.rate} vs 1 worker {home1.rate} req/s"))
    one = _find(results, "gateway", "portal_home", 1, 1)
    if one and one.waves is not None:
        waves = max(1, round(one.waves))
        bound = 1.10 * waves * latency_ms
        p50 = one.latency_ms["p50"]
        out.append(Goal("p50_waves", "<= 1.10 x waves x latency", round(p50 / (waves * latency_ms), 2), p50 <= bound,
                        f"p50 {p50} ms at 1 conn; {one.waves} waves ({one.waves_from}) x {latency_ms} ms"
                        f" -> bound {bound:.0f} ms"))
    tn = _find(results, "gateway", "typename", 1, conns)
    plain = _find(results, "strawberry", "strawberry_typename", 1, conns)
    if tn and plain:
        r = tn.rate / plain.rate if plain.rate else 0.0
        out.append(_ratio("typename", ">= 0.7", tn.rate, plain.rate, r >= 0.7,
                          f"{{ __typename }} at {conns} conns: {tn.rate} vs plain strawberry {plain.rate} req/s"))
    homes = [r for r in results if r.server == "gateway" and r.scenario == "portal_home"]
    if homes:
        best = max(homes, key=lambda r: r.rate)
        sandbox_s = sum(v for k, v in best.cpu_s.items() if k.endswith("sandbox"))
        share = sandbox_s / best.seconds / (os.cpu_count() or 1) if best.seconds else 0.0
        out.append(Goal("sandboxes", "< 0.25 of the machine", round(share, 3), share < 0.25,
                        f"at the best portal home rate ({best.rate} req/s, {best.workers} workers,"
                        f" {best.connections} conns)"))
    return out
