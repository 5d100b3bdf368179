"""The TOL archive as a registered source: the legacy portal's records in PostgreSQL, read-only."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..base import Source
from ..spec import Deps, EnvReader, Needs, SourceSpec
from .export import TolExport
from .name import TOL_ARCHIVE
from .source import TOL_KINDS, TolSource

__all__ = ["SPEC", "TolConfig"]


@dataclass(frozen=True, slots=True)
class TolConfig:
    """`MHS_GATEWAY_TOL_DSN`: the archive (a read-only role is enough); `MHS_GATEWAY_TOL_TIMEOUT`: the
    most one statement may take (unset: the request's deadline only)."""

    dsn: str = field(repr=False)
    timeout: float | None = None


def _configure(env: EnvReader) -> TolConfig | None:
    dsn = env.dsn("DSN")
    if dsn is None:
        return None
    return TolConfig(dsn, env.number("TIMEOUT", 0.0, low_inclusive=True) or None)


def _build(config: TolConfig, deps: Deps) -> Source:
    return TolSource(deps.database(), deps.observer, timeout=config.timeout)


SPEC: SourceSpec[TolConfig] = SourceSpec(
    name=TOL_ARCHIVE,
    description="The legacy TRICARE Online portal archive (PostgreSQL, read-only)",
    rank=2,
    provides=TOL_KINDS,
    env_prefix="TOL",
    configure=_configure,
    needs=lambda config: Needs(database=config.dsn),
    build=_build,
    export=lambda _, deps: TolExport(deps.database(), deps.observer),
)
