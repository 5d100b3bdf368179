"""Community providers as a registered source: FHIR R4 / US Core behind an HIE, read-only."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..base import Source
from ..fhir.config import FhirSourceConfig
from ..fhir.settings import export_groups, read_fhir_settings
from ..spec import Deps, EnvReader, Needs, SourceSpec
from .export import community_export
from .name import COMMUNITY
from .source import COMMUNITY_KINDS, CommunitySource

__all__ = ["SPEC", "CommunityConfig"]


@dataclass(frozen=True, slots=True)
class CommunityConfig:
    """`MHS_GATEWAY_COMMUNITY_*`: the FHIR endpoint, the lowest `$match` score that links, and the
    Groups the mart exports (`EXPORT_GROUPS`)."""

    fhir: FhirSourceConfig
    match_threshold: float = 0.8
    export_groups: tuple[str, ...] = ()  # Bulk Data Groups the mart's export job reads


def _configure(env: EnvReader) -> CommunityConfig | None:
    fhir = read_fhir_settings(env, default_scope="system/*.read")
    if fhir is None:
        return None
    return CommunityConfig(fhir, env.number("MATCH_THRESHOLD", 0.8, low=0.0, high=1.0), export_groups(env))


def _settings(config: CommunityConfig, deps: Deps) -> FhirSourceConfig:
    return dataclasses.replace(config.fhir, timeout=deps.request_timeout)


def _build(config: CommunityConfig, deps: Deps) -> Source:
    settings = _settings(config, deps)
    return CommunitySource(settings, deps.session(), deps.observer, match_threshold=config.match_threshold)


SPEC: SourceSpec[CommunityConfig] = SourceSpec(
    name=COMMUNITY,
    description="Community (civilian network) providers, through the health information exchange (FHIR R4)",
    rank=1,
    provides=frozenset(COMMUNITY_KINDS),
    env_prefix="COMMUNITY",
    configure=_configure,
    needs=lambda _: Needs(http=True),
    build=_build,
    export=lambda config, deps: community_export(_settings(config, deps), config.export_groups, deps),
)
