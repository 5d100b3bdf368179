"""MHS GENESIS as a registered source: FHIR R4 reads, and the one source that takes patient actions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..base import Source
from ..fhir.client import FhirClient
from ..fhir.config import FhirSourceConfig
from ..fhir.settings import export_groups, read_fhir_settings
from ..spec import Deps, EnvReader, Needs, SourceSpec
from ..writes import PatientWrites
from .export import genesis_export
from .kinds import GENESIS_KINDS
from .name import GENESIS
from .portal import GenesisPortal, PortalConfig, read_portal_settings
from .scopes import READ_SCOPES, WRITE_SCOPES
from .source import GenesisSource
from .writes import GenesisWriter, GenesisWrites

__all__ = ["SPEC", "GenesisConfig"]


@dataclass(frozen=True, slots=True)
class GenesisConfig:
    """`MHS_GATEWAY_GENESIS_*`: the FHIR endpoint (its `SCOPE` defaults to the named read scopes of
    `scopes.py`), the scopes added for writes (`WRITE_SCOPE`; empty: no writes), the Groups the
    mart exports (`EXPORT_GROUPS`), and the patient portal (`PORTAL_*`; None: no portal service,
    so no messages, renewal requests or questionnaires from GENESIS)."""

    fhir: FhirSourceConfig
    write_scope: str | None = WRITE_SCOPES
    export_groups: tuple[str, ...] = ()  # Bulk Data Groups the mart's export job reads
    portal: PortalConfig | None = None


def _configure(env: EnvReader) -> GenesisConfig | None:
    fhir = read_fhir_settings(env, default_scope=READ_SCOPES)
    if fhir is None:
        return None
    write_scope = env.text("WRITE_SCOPE", WRITE_SCOPES)
    return GenesisConfig(fhir, write_scope or None, export_groups(env), read_portal_settings(env, fhir))


def _settings(config: GenesisConfig, deps: Deps) -> FhirSourceConfig:
    return dataclasses.replace(config.fhir, timeout=deps.request_timeout)


def _portal(config: GenesisConfig, deps: Deps) -> GenesisPortal | None:
    """The portal's client over the source's session (closed with it at shutdown)."""
    if config.portal is None:
        return None
    auth = dataclasses.replace(config.portal.auth, timeout=deps.request_timeout)
    return GenesisPortal(dataclasses.replace(config.portal, auth=auth), deps.session(), deps.observer)


def _build(config: GenesisConfig, deps: Deps) -> Source:
    return GenesisSource(_settings(config, deps), deps.session(), deps.observer, _portal(config, deps))


def _writes(config: GenesisConfig, deps: Deps) -> PatientWrites | None:
    """Its own client (write scopes, its own breaker) over the shared session."""
    if not config.write_scope:
        return None
    settings = _settings(config, deps)
    # Reads before writes (the slot, the appointment) need the read scope too.
    settings = dataclasses.replace(settings, scope=f"{settings.scope} {config.write_scope}")
    writer = GenesisWriter(FhirClient(GENESIS, settings, deps.session(), deps.observer))
    return GenesisWrites(writer, _portal(config, deps))


SPEC: SourceSpec[GenesisConfig] = SourceSpec(
    name=GENESIS,
    description="MHS GENESIS, the current EHR (Oracle Health Millennium, FHIR R4)",
    rank=0,
    provides=frozenset(GENESIS_KINDS),
    env_prefix="GENESIS",
    configure=_configure,
    needs=lambda _: Needs(http=True),
    build=_build,
    writes=_writes,
    export=lambda config, deps: genesis_export(_settings(config, deps), config.export_groups, deps),
)
