"""Where sources are registered: config + long-lived clients → `resolvers.Services`.

Adapters are imported lazily and guarded, so the gateway still starts (with fewer sources)
while an adapter package is missing; a configured source that cannot be built is logged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import aiohttp
import asyncpg

from resolvers.services import ResolverSettings, Services
from sources.base import Source
from sources.calls.observe import UpstreamObserver
from sources.records import RecordSource

from .config import Config, UpstreamConfig

__all__ = ["SESSION_NAMES", "build_services", "fhir_config"]

_log = logging.getLogger("gateway.sources")
SESSION_NAMES = ("genesis", "community")  # one aiohttp ClientSession per FHIR upstream
if TYPE_CHECKING:
    Pool = asyncpg.Pool[asyncpg.Record]
else:
    Pool = asyncpg.Pool


def _optional(module: str, name: str) -> Any | None:
    """`module.name`, or None (logged) when that adapter has not landed yet."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        _log.warning("source adapter missing", extra={"adapter": f"{module}.{name}"})
        return None


def fhir_config(upstream: UpstreamConfig, timeout: float) -> Any:
    """The FHIR client's settings for one upstream."""
    from sources.fhir.config import FhirSourceConfig

    return FhirSourceConfig(
        base_url=upstream.base_url,
        token_url=upstream.token_url,
        client_id=upstream.client_id,
        private_key_pem=upstream.private_key_pem,
        key_id=upstream.key_id,
        scope=upstream.scope,
        timeout=timeout,
    )


def build_services(
    config: Config,
    sessions: Mapping[str, aiohttp.ClientSession],
    pools: Mapping[str, Pool],
    observer: UpstreamObserver,
) -> Services:
    """The registered sources and stores. `pools` may hold `tol` and `gateway`."""
    sources: dict[RecordSource, Source] = {}
    if config.genesis is not None and "genesis" in sessions:
        genesis = _optional("sources.genesis", "GenesisSource")
        if genesis is not None:
            sources[RecordSource.GENESIS] = genesis(
                fhir_config(config.genesis, config.request_timeout), sessions["genesis"], observer
            )
    if config.community is not None and "community" in sessions:
        community = _optional("sources.community", "CommunitySource")
        if community is not None:
            sources[RecordSource.COMMUNITY] = community(
                fhir_config(config.community, config.request_timeout),
                sessions["community"],
                observer,
                match_threshold=config.match_threshold,
            )
    if "tol" in pools:
        tol = _optional("sources.tol", "TolSource")
        if tol is not None:
            sources[RecordSource.TOL_ARCHIVE] = tol(pools["tol"], observer)
    topics = store = None
    if "gateway" in pools:
        topic_store = _optional("gateway.store", "HealthTopicStore")
        topics = topic_store(pools["gateway"]) if topic_store is not None else None
        idempotency = _optional("gateway.store", "IdempotencyStore")
        store = idempotency(pools["gateway"]) if idempotency is not None else None
    return Services(
        sources=sources,
        settings=ResolverSettings(
            request_timeout=config.request_timeout,
            source_timeout=min(config.source_timeout, config.request_timeout),
            pseudonym_key=config.pseudonym_key,
            cursor_key=hashlib.sha256(b"mhs-cursor-key:" + config.pseudonym_key).digest(),
            require_strong_auth_for_clinicians=bool(config.auth.clinician_amr),
        ),
        topics=topics,
        store=store,
        writer=genesis_writer(config, sessions, observer),
    )


# ---- GENESIS writes (patient actions) ---------------------------------------------------------


def genesis_writer(
    config: Config, sessions: Mapping[str, aiohttp.ClientSession], observer: UpstreamObserver
) -> Any | None:
    """The GENESIS write handle: its own FhirClient (write scopes, breaker), the shared session."""
    if config.genesis is None or not config.genesis.write_scope or "genesis" not in sessions:
        return None
    writer = _optional("sources.genesis.writes", "GenesisWriter")
    client = _optional("sources.fhir.client", "FhirClient")
    if writer is None or client is None:
        return None
    settings = fhir_config(config.genesis, config.request_timeout)
    # Reads before writes (the slot, the appointment) need the read scope too.
    settings = dataclasses.replace(settings, scope=f"{settings.scope} {config.genesis.write_scope}")
    return writer(client(RecordSource.GENESIS, settings, sessions["genesis"], observer))
