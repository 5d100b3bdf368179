"""Process-wide handles the resolvers use: the registered sources, the write port, the gateway's store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sources.base import Source
from sources.records import RecordKind, RecordSource
from sources.registry import rank_of
from sources.writes import PatientWrites

from .ports import HealthLibrary, IdempotencyKeys

__all__ = ["ResolverSettings", "Services"]


@dataclass(frozen=True, slots=True)
class ResolverSettings:
    """The part of the gateway's config the resolvers need."""

    request_timeout: float = 5.0
    source_timeout: float = 3.0  # one upstream call's share of the request deadline
    max_page_size: int = 100
    pseudonym_key: bytes = b"demo-only-pseudonym-key"
    cursor_key: bytes = b"demo-only-cursor-key"
    require_strong_auth_for_clinicians: bool = True


@dataclass(frozen=True)
class Services:
    """Built once at startup by the gateway; handed to every request's context.

    `sources` holds the configured sources (any order; `ranked()` orders them). `writes` is the
    port of the one source that takes patient actions, when this deployment configures it.
    """

    sources: Mapping[RecordSource, Source]
    settings: ResolverSettings = field(default_factory=ResolverSettings)
    topics: HealthLibrary | None = None
    idempotency: IdempotencyKeys | None = None
    writes: PatientWrites | None = None

    def ranked(self) -> list[RecordSource]:
        """The configured sources, most authoritative first."""
        return sorted(self.sources, key=rank_of)

    def providing(self, kind: RecordKind) -> list[RecordSource]:
        """The configured sources that hold `kind`, most authoritative first."""
        return [name for name in self.ranked() if kind in self.sources[name].provides]

    def writable(self, source: RecordSource) -> bool:
        """Whether patients may change records of `source` here (it is where writes go)."""
        return self.writes is not None and self.writes.source == source
