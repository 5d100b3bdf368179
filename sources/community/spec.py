"""Community providers as a registered source: FHIR R4 / US Core behind an HIE, read-only."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..base import Source
from ..fhir.config import FhirSourceConfig
from ..fhir.settings import read_fhir_settings
from ..spec import Deps, EnvReader, Needs, SourceSpec
from .name import COMMUNITY
from .source import COMMUNITY_KINDS, CommunitySource

__all__ = ["SPEC", "CommunityConfig"]


@dataclass(frozen=True, slots=True)
class CommunityConfig:
    """`MHS_GATEWAY_COMMUNITY_*`: the FHIR endpoint, and the lowest `$match` score that links."""

    fhir: FhirSourceConfig
    match_threshold: float = 0.8


def _configure(env: EnvReader) -> CommunityConfig | None:
    fhir = read_fhir_settings(env, default_scope="system/*.read")
    if fhir is None:
        return None
    return CommunityConfig(fhir, env.number("MATCH_THRESHOLD", 0.8, low=0.0, high=1.0))


def _build(config: CommunityConfig, deps: Deps) -> Source:
    settings = dataclasses.replace(config.fhir, timeout=deps.request_timeout)
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
)
