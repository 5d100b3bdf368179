"""The VA facility as a registered source: ranked after the three the gateway was built with."""

from __future__ import annotations

import dataclasses

from ..base import Source
from ..fhir.config import FhirSourceConfig
from ..fhir.settings import read_fhir_settings
from ..spec import Deps, EnvReader, Needs, SourceSpec
from .name import VA
from .source import VA_KINDS, VaSource

__all__ = ["SPEC"]


def _configure(env: EnvReader) -> FhirSourceConfig | None:
    return read_fhir_settings(env, default_scope="system/*.read")


def _build(config: FhirSourceConfig, deps: Deps) -> Source:
    return VaSource(dataclasses.replace(config, timeout=deps.request_timeout), deps.session(), deps.observer)


SPEC: SourceSpec[FhirSourceConfig] = SourceSpec(
    name=VA,
    description="A VA facility (FHIR R4, read-only)",
    rank=3,
    provides=frozenset(VA_KINDS),
    env_prefix="VA",
    configure=_configure,
    needs=lambda _: Needs(http=True),
    build=_build,
)
