"""What one bench run does: `make bench` (full) or `make bench-quick` (under three minutes)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

__all__ = ["Options", "parse"]

_ALL = ("portal_home", "portal_genesis", "clinician_panel", "deep_history", "mobile_apq", "typename")
_QUICK = ("portal_home", "portal_genesis", "typename")


@dataclass(frozen=True)
class Options:
    quick: bool
    seconds: float
    warmup: float
    connections: tuple[int, ...]
    workers: tuple[int, ...]
    scenarios: tuple[str, ...]
    patients: int
    latency_ms: int
    legacy_runs: int
    profile: bool
    peers: bool
    output: str | None
    gateway_env: tuple[tuple[str, str], ...] = ()


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.startswith("MHS_GATEWAY_"):
        raise argparse.ArgumentTypeError(f"want MHS_GATEWAY_<NAME>=<value>, got {text!r}")
    return name, value


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Load runs against this gateway, "
                                     "GraphQL Mesh and plain strawberry, side by side (bench/README.md).")
    parser.add_argument("--quick", action="store_true", help="a short run (under three minutes)")
    parser.add_argument("--seconds", type=float, help="seconds per measured run (default 10, quick 3)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per scenario (default 3, quick 1)")
    parser.add_argument("--connections", type=_ints, help="concurrencies (default 1,20,50; quick 1,50)")
    parser.add_argument("--workers", type=_ints, default=(1, 2), help="gateway worker counts (default 1,2)")
    parser.add_argument("--scenarios", help=f"comma-separated subset of {','.join(_ALL)}")
    parser.add_argument("--patients", type=int, default=200, help="extra synthetic patients (default 200)")
    parser.add_argument("--latency-ms", type=int, default=20, help="latency injected on every FHIR call")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profile of portal home")
    parser.add_argument("--no-peers", action="store_true", help="skip GraphQL Mesh and plain strawberry")
    parser.add_argument("--gateway-env", action="append", default=[], metavar="NAME=VALUE", type=_setting,
                        help="a variable for the gateway on top of the demo's (repeatable), e.g. "
                             "MHS_GATEWAY_LINK_CACHE_SECONDS=0 to measure without the link cache")
    parser.add_argument("--output", help="the JSON file (default bench/results/<time>[-quick].json)")
    a = parser.parse_args(argv)
    scenarios = tuple(a.scenarios.split(",")) if a.scenarios else (_QUICK if a.quick else _ALL)
    unknown = set(scenarios) - set(_ALL)
    if unknown:
        parser.error(f"unknown scenarios: {sorted(unknown)}")
    return Options(
        quick=a.quick,
        seconds=a.seconds or (3.0 if a.quick else 10.0),
        warmup=a.warmup or (1.0 if a.quick else 3.0),
        connections=a.connections or ((1, 50) if a.quick else (1, 20, 50)),
        workers=a.workers,
        scenarios=scenarios,
        patients=a.patients,
        latency_ms=a.latency_ms,
        legacy_runs=5 if a.quick else 20,
        profile=not a.no_profile and not a.quick,
        peers=not a.no_peers,
        output=a.output,
        gateway_env=tuple(a.gateway_env),
    )
