"""Process-wide handles the resolvers use: the registered sources, the write port, the gateway's store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sources.base import Source
from sources.capabilities import Feature
from sources.records import RecordKind, RecordSource
from sources.registry import rank_of
from sources.writes import PatientWrites

from .capabilities import CapabilityBoard
from .deid import AnalystKeys, Projects
from .link_cache import LinkCache
from .ports import ActionQuotas, CohortMart, HealthLibrary, IdempotencyKeys, PersonVault

__all__ = ["ResolverSettings", "Services"]


@dataclass(frozen=True, slots=True)
class ResolverSettings:
    """The part of the gateway's config the resolvers need."""

    request_timeout: float = 5.0
    source_timeout: float = 3.0  # one upstream call's share of the request deadline
    max_page_size: int = 100
    analyst_keys: AnalystKeys = field(default_factory=lambda: AnalystKeys(b"demo-only-pseudonym-key"))
    projects: Projects = field(default_factory=Projects)
    cursor_key: bytes = b"demo-only-cursor-key"
    require_strong_auth_for_clinicians: bool = True


@dataclass(frozen=True)
class Services:
    """Built once at startup by the gateway; handed to every request's context.

    `sources` holds the configured sources (any order; `ranked()` orders them). `writes` is the
    port of the one source that takes patient actions, when this deployment configures it;
    `persons` is the identity vault analysts' patient ids are resolved with; `mart` the de-identified
    mart cohort questions are answered from, with counts below `cohort_threshold` suppressed;
    `capabilities` what the sources offer now (a kind a source cannot serve now is not asked of it);
    `link_cache` the record ids a patient's own DoD ID linked to, for a few seconds (None: off).
    """

    sources: Mapping[RecordSource, Source]
    settings: ResolverSettings = field(default_factory=ResolverSettings)
    topics: HealthLibrary | None = None
    idempotency: IdempotencyKeys | None = None
    writes: PatientWrites | None = None
    persons: PersonVault | None = None
    mart: CohortMart | None = None
    cohort_threshold: int = 11
    quotas: ActionQuotas | None = None  # per-patient action quotas (bookings per day)
    capabilities: CapabilityBoard = field(default_factory=CapabilityBoard)
    link_cache: LinkCache | None = None

    def ranked(self) -> list[RecordSource]:
        """The configured sources, most authoritative first."""
        return sorted(self.sources, key=rank_of)

    def providing(self, kind: RecordKind) -> list[RecordSource]:
        """The configured sources that hold `kind` and can serve it now, most authoritative first."""
        return [
            name
            for name in self.ranked()
            if kind in self.sources[name].provides and self.capabilities.serves(name, kind)
        ]

    def writable(self, source: RecordSource, feature: Feature | None = None) -> bool:
        """Whether patients may change records of `source` here (it is where writes go), by
        `feature` when one is named (it must be on offer now)."""
        if self.writes is None or self.writes.source != source:
            return False
        return feature is None or self.capabilities.reason(feature, source) is None
