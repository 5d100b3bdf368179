"""What each source package registers: who it is, what it holds, how it is configured and built.

A source package exports one `SourceSpec` (`sources/<name>/spec.py`) and `sources/registry.py`
lists them. The gateway loops over the registered specs: it reads each one's configuration from
its own environment prefix (`MHS_GATEWAY_<PREFIX>_*`), opens what it needs (an HTTP session of
its own, a database pool), builds it, and closes those at shutdown. Nothing above `sources/`
imports a source package's internals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import aiohttp

from .base import Source
from .calls.observe import UpstreamObserver
from .export import RecordExport
from .records import RecordKind, RecordSource
from .writes import PatientWrites

if TYPE_CHECKING:
    import asyncpg

    Pool = asyncpg.Pool[asyncpg.Record]
else:
    Pool = Any

__all__ = ["Configured", "Deps", "EnvReader", "Needs", "Pool", "SourceSpec"]

C = TypeVar("C")


class EnvReader(Protocol):
    """Typed environment reads scoped to one source's prefix; each raises the gateway's ConfigError
    naming the full variable (never a secret's value) when a value is malformed."""

    def name(self, key: str) -> str:
        """The full variable name for `key` (e.g. `MHS_GATEWAY_GENESIS_URL` for `URL`)."""

    def text(self, key: str, default: str | None = None) -> str | None: ...

    def required(self, key: str, why: str = "is required") -> str: ...

    def url(self, key: str, *, required: bool = False) -> str | None: ...

    def dsn(self, key: str, *fallbacks: str, required: bool = False) -> str | None: ...

    def secret_pem(self, key: str) -> str | None: ...

    def integer(self, key: str, default: int, *, minimum: int = 0) -> int: ...

    def number(
        self, key: str, default: float, *, low: float = 0.0, high: float | None = None, low_inclusive: bool = False
    ) -> float: ...

    def flag(self, key: str, default: bool) -> bool: ...

    def identifiers(self, key: str, pattern: str) -> tuple[str, ...]:
        """A comma-separated list of ids, each matching the regular expression `pattern`."""


@dataclass(frozen=True, slots=True)
class Needs:
    """What the gateway opens for a source before building it, and closes at shutdown."""

    http: bool = False  # an aiohttp ClientSession of its own
    database: str | None = field(default=None, repr=False)  # an asyncpg pool on this DSN


@dataclass(frozen=True)
class Deps:
    """What a source is built with: the long-lived clients it asked for, and the gateway's observer."""

    observer: UpstreamObserver
    request_timeout: float
    http: aiohttp.ClientSession | None = None
    pool: Pool | None = None

    def session(self) -> aiohttp.ClientSession:
        if self.http is None:
            raise RuntimeError("this source did not ask for an HTTP session (Needs.http)")
        return self.http

    def database(self) -> Pool:
        if self.pool is None:
            raise RuntimeError("this source did not ask for a database (Needs.database)")
        return self.pool


@dataclass(frozen=True)
class SourceSpec(Generic[C]):
    """One upstream kind: its registered name, its rank (0 is the most authoritative), the record
    kinds it provides, and how to configure and build it. `writes` is set only for the source that
    takes patient actions (MHS GENESIS): that is the one business rule that names a source."""

    name: RecordSource
    description: str
    rank: int
    provides: frozenset[RecordKind]
    env_prefix: str
    configure: Callable[[EnvReader], C | None]  # None: not configured in this deployment
    needs: Callable[[C], Needs]
    build: Callable[[C, Deps], Source]
    writes: Callable[[C, Deps], PatientWrites | None] | None = None
    export: Callable[[C, Deps], RecordExport | None] | None = None


@dataclass(frozen=True)
class Configured(Generic[C]):
    """A registered source with its configuration, as the gateway's Config holds it."""

    spec: SourceSpec[C]
    config: C

    @property
    def name(self) -> RecordSource:
        return self.spec.name

    def needs(self) -> Needs:
        return self.spec.needs(self.config)

    def build(self, deps: Deps) -> Source:
        return self.spec.build(self.config, deps)

    def writes(self, deps: Deps) -> PatientWrites | None:
        return None if self.spec.writes is None else self.spec.writes(self.config, deps)

    def export(self, deps: Deps) -> RecordExport | None:
        """The source's export for the mart, when it has one and this deployment configures it."""
        return None if self.spec.export is None else self.spec.export(self.config, deps)
