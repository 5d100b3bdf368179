"""The ASGI app: routes, middleware, and a lifespan that owns every long-lived client."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence

import aiohttp
import asyncpg
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route
from strawberry import Schema

from resolvers.services import Services
from schema import build_schema
from sources.spec import Pool

from .audit import AuditSink
from .auth import Authenticator, JwksCache, TokenVerifier
from .config import Config
from .graphiql import STATIC_PREFIX, AssetRoute, render_page
from .http import GraphQLEndpoint, HealthRoutes, RequestIdMiddleware
from .http.phases import PreparedDocument
from .metrics import GatewayMetrics
from .persisted import DocumentStore, MemoryDocumentStore, PersistedDocuments, RedisDocumentStore
from .runtime import Probe, Runtime
from .sources import Opened, StorePools, build_services, open_sources
from .store import AuditEvent, insert_audit_events, migrate_store

__all__ = ["ServicesFactory", "create_app"]

_log = logging.getLogger("gateway.app")

# (config, what was opened for the sources) → Services; tests may inject their own.
ServicesFactory = Callable[[Config, Opened], Services]


def _gateway_schema() -> Schema:
    """The schema, plus the gateway's own extension: documents come parsed and validated."""
    return build_schema(extensions=[PreparedDocument])


async def _open_pool(dsn: str, name: str, size: int, statement_timeout: float) -> Pool:
    """A bounded pool of its own; every statement on it is cut off server-side past the timeout."""
    settings = {"statement_timeout": str(int(statement_timeout * 1000)), "application_name": f"mhs-gateway-{name}"}
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=size, command_timeout=statement_timeout + 1,
                                     server_settings=settings)
    _log.info("database pool open", extra={"pool": name, "size": size})
    return pool


def _pool_probe(pool: Pool) -> Probe:
    async def probe() -> None:
        await pool.fetchval("SELECT 1")

    return probe


def _audit_sink(pool: Pool, config: Config) -> AuditSink:
    """Audit events batched into `audit.events` by a background task (started by the caller)."""

    async def write(events: Sequence[AuditEvent]) -> None:
        await insert_audit_events(pool, events)

    return AuditSink(write, max_pending=config.audit_queue_size, write_timeout=config.request_timeout,
                     commit_timeout=config.database.audit_commit_timeout)


def _document_store(config: Config) -> DocumentStore:
    """Redis when `REDIS_URL` is set (shared by every worker), else this process's memory."""
    settings = config.persisted
    if config.redis_url:
        _log.info("persisted queries shared through Redis")
        return RedisDocumentStore.from_url(
            config.redis_url, ttl=settings.ttl, timeout=settings.redis_timeout
        )
    return MemoryDocumentStore(max_entries=settings.cache_entries)


def create_app(config: Config, *, services_factory: ServicesFactory | None = None) -> Starlette:
    """The gateway. Clients and pools are created at startup and closed at shutdown."""
    metrics = GatewayMetrics()
    schema = _gateway_schema()
    page = render_page() if config.graphiql else None
    endpoint = GraphQLEndpoint(schema, config, metrics, page)
    health = HealthRoutes(metrics, probe_timeout=config.readiness_timeout)
    assets = AssetRoute(config.graphiql_assets)
    factory = services_factory or build_services

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            timeout = aiohttp.ClientTimeout(total=config.request_timeout)
            issuer_session = aiohttp.ClientSession(timeout=timeout, raise_for_status=False)
            stack.push_async_callback(issuer_session.close)
            probes: dict[str, Probe] = {}
            audit = None
            store: StorePools | None = None
            if config.database_url:
                await migrate_store(config.database_url)
                db = config.database
                pools = [await _open_pool(config.database_url, name, size, db.statement_timeout)
                         for name, size in (("audit", db.audit_pool), ("idempotency", db.idempotency_pool),
                                            ("library", db.library_pool))]
                for pool in pools:
                    stack.push_async_callback(pool.close)
                store = StorePools(*pools)
                probes["gateway"] = _pool_probe(store.library)
                audit = _audit_sink(store.audit, config)
                audit.start()
                stack.push_async_callback(audit.close)  # closed before the pools: drains first
            deps = await open_sources(config, stack, metrics)
            services = factory(config, Opened(deps, store, metrics))
            jwks = JwksCache(
                issuer_session,
                config.auth.jwks_url,
                refresh_interval=config.auth.jwks_refresh_interval,
                timeout=config.request_timeout,
            )
            verifier = TokenVerifier(
                jwks,
                issuer=config.auth.issuer,
                audience=config.auth.audience,
                algorithms=config.auth.allowed_algs,
                leeway=config.auth.leeway,
            )
            persisted = PersistedDocuments(
                _document_store(config),
                config.persisted.trusted_documents,
                trusted_only=config.persisted.trusted_only,
            )
            stack.push_async_callback(persisted.close)
            app.state.runtime = Runtime(
                services=services,
                authenticator=Authenticator(verifier, clinician_amr=config.auth.clinician_amr),
                persisted=persisted,
                database_probes=probes,
                audit=audit,
            )
            app.state.jwks = jwks
            if config.graphiql and assets.missing():
                _log.warning("GraphiQL assets missing; run `make setup`",
                             extra={"missing": assets.missing()})
            _log.info("gateway started", extra={"mode": config.mode,
                                                "sources": services.ranked()})
            yield
            _log.info("gateway stopping")

    routes = [
        # every method reaches the endpoint, which answers 405 in GraphQL shape itself
        Route("/graphql", endpoint.handle,
              methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]),
        Route("/healthz", health.healthz, methods=["GET"]),
        Route("/readyz", health.readyz, methods=["GET"]),
        Route("/metrics", health.metrics, methods=["GET"]),
    ]
    if config.graphiql:
        routes.append(Route(STATIC_PREFIX + "/{file}", assets.serve, methods=["GET"]))
    middleware = [Middleware(RequestIdMiddleware)]
    if config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-Id",
                               "X-Break-Glass-Reason"],
                expose_headers=["X-Request-Id"],
                max_age=600,
            )
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.metrics = metrics
    app.state.config = config
    return app
