"""What a demo stack is asked to run: addresses, data size, dates, database, faults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.data import DEFAULT_SEED

__all__ = ["DEFAULT_SEED", "SANDBOXES", "StackOptions"]

SANDBOXES = ("genesis", "community")


@dataclass(frozen=True, slots=True)
class StackOptions:
    """Options of one DemoStack; the defaults are what `mhs-gateway demo` runs."""

    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port
    seed: int = DEFAULT_SEED
    extra_patients: int = 0
    today: dt.date | None = None  # None: the real date
    database_url: str | None = None  # None: an embedded PostgreSQL server
    fresh_databases: bool = False  # uniquely named databases, dropped on exit (tests)
    gateway_workers: int = 1  # 1: in the demo's own process; more: `mhs-gateway serve --workers N`
    faults: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # sandbox -> faults
    log_level: str = "warning"
    pseudonym_key: str | None = field(default=None, repr=False)  # None: random for this start
    mart: bool = True  # build the de-identified mart (in a temporary folder) in the background
    mart_refresh: float = 300.0  # then refresh it every so many seconds
    gateway_env: Mapping[str, str] = field(default_factory=dict, repr=False)  # more MHS_GATEWAY_* for the gateway
    portal: bool = True  # point the gateway at the GENESIS sandbox's patient portal (False: no portal URL)

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be 0-65535, got {self.port}")
        if self.extra_patients < 0:
            raise ValueError(f"extra_patients must be 0 or more, got {self.extra_patients}")
        if not 1 <= self.gateway_workers <= 64:
            raise ValueError(f"gateway_workers must be 1-64, got {self.gateway_workers}")
        unknown = set(self.faults) - set(SANDBOXES)
        if unknown:
            raise ValueError(f"faults name unknown sandboxes: {sorted(unknown)}")
