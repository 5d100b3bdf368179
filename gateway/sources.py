"""Building the registered sources: open what each needs, build it, hand the resolvers their Services."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import aiohttp
import asyncpg

from resolvers.deid import AnalystKeys
from resolvers.link_cache import LinkCache
from resolvers.ports import ActionQuotas, CohortMart
from resolvers.services import ResolverSettings, Services
from sources.calls.observe import UpstreamObserver
from sources.records import RecordSource
from sources.spec import Configured, Deps, Pool
from sources.writes import PatientWrites

from .capabilities import declared_board
from .config import Config
from .store import HealthTopicStore, IdempotencyStore, PersonStore

__all__ = ["Opened", "StorePools", "build_services", "open_sources"]

_log = logging.getLogger("gateway.sources")


@dataclass(frozen=True)
class StorePools:
    """The gateway's own database, one bounded pool per use (the audit writer's is its own)."""

    audit: Pool
    idempotency: Pool
    library: Pool


@dataclass(frozen=True)
class Opened:
    """What the lifespan opened: each source's deps, and the gateway database's pools (if any)."""

    deps: Mapping[RecordSource, Deps]
    store: StorePools | None
    observer: UpstreamObserver
    mart: CohortMart | None = None
    quotas: ActionQuotas | None = None
    on_link_lookup: Callable[[bool], None] | None = None  # the link cache's hits and misses (metrics)


async def _source_pool(dsn: str, statement_timeout: float) -> Pool:
    """A pool that connects on first use: a source that is down at startup is still registered
    (its records are reported missing per request, and `/readyz` says so). Statements are cut off
    server-side past the source's share of a request's deadline."""
    settings = {"statement_timeout": str(int(statement_timeout * 1000)), "application_name": "mhs-gateway-source"}
    pool: Pool = await asyncpg.create_pool(dsn, min_size=0, max_size=10, command_timeout=statement_timeout + 1,
                                           server_settings=settings)
    return pool


def _http_session(timeout: aiohttp.ClientTimeout) -> aiohttp.ClientSession:
    """A source's session. aiohttp resends an idempotent request once, unasked, when a kept-alive
    connection fails; the sources retry within their own budget, so that resend is turned off (there
    is no public switch for it: aio-libs/aiohttp#10790), or a source that is down gets twice the
    attempts the budget allows."""
    session = aiohttp.ClientSession(timeout=timeout, raise_for_status=False)
    session._retry_connection = False
    return session


async def open_sources(
    config: Config, stack: contextlib.AsyncExitStack, observer: UpstreamObserver
) -> dict[RecordSource, Deps]:
    """Each configured source's HTTP session and/or pool; all are closed when `stack` closes."""
    timeout = aiohttp.ClientTimeout(total=config.request_timeout)
    opened: dict[RecordSource, Deps] = {}
    for configured in config.sources:
        needs = configured.needs()
        http = None
        if needs.http:
            http = _http_session(timeout)
            stack.push_async_callback(http.close)
        pool = None
        if needs.database is not None:
            pool = await _source_pool(needs.database, min(config.source_timeout, config.request_timeout))
            stack.push_async_callback(pool.close)
        opened[configured.name] = Deps(observer, config.request_timeout, http, pool)
    return opened


def _writes(sources: tuple[Configured[object], ...], deps: Mapping[RecordSource, Deps]) -> PatientWrites | None:
    ports = [port for c in sources if (port := c.writes(deps[c.name])) is not None]
    if len(ports) > 1:
        raise RuntimeError("more than one source takes patient writes")
    return ports[0] if ports else None


def _link_cache(config: Config, opened: Opened) -> LinkCache | None:
    if config.link_cache_seconds <= 0:
        return None
    return LinkCache(config.link_cache_seconds, on_lookup=opened.on_link_lookup)


def build_services(config: Config, opened: Opened) -> Services:
    """The configured sources, the write port, and the gateway store's handles for the resolvers."""
    sources = {c.name: c.build(opened.deps[c.name]) for c in config.sources}
    _log.info("sources built", extra={"sources": sorted(sources)})
    store = opened.store
    return Services(
        sources=sources,
        settings=ResolverSettings(
            request_timeout=config.request_timeout,
            source_timeout=min(config.source_timeout, config.request_timeout),
            max_page_size=config.limits.max_page_size,
            analyst_keys=AnalystKeys(config.pseudonym_key),
            projects=config.analyst_projects,
            cursor_key=hashlib.sha256(b"mhs-cursor-key:" + config.pseudonym_key).digest(),
            require_strong_auth_for_clinicians=bool(config.auth.clinician_amr),
        ),
        topics=HealthTopicStore(store.library) if store is not None else None,
        idempotency=IdempotencyStore(store.idempotency) if store is not None else None,
        writes=_writes(config.sources, opened.deps),
        persons=PersonStore(store.library) if store is not None else None,
        mart=opened.mart,
        cohort_threshold=config.mart.threshold,
        quotas=opened.quotas,
        capabilities=declared_board(sources),
        link_cache=_link_cache(config, opened),
    )
