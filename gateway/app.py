"""The ASGI app: routes, middleware, and a lifespan that owns every long-lived client."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence

import aiohttp
import asyncpg
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route
from strawberry import Schema
from strawberry.extensions import DisableIntrospection, SchemaExtension

from gateway.store import AuditEvent, insert_audit_events
from resolvers.services import Services
from schema import build_schema
from sources.calls.observe import UpstreamObserver

from .audit import AuditSink
from .auth import Authenticator, JwksCache, TokenVerifier
from .config import Config
from .graphiql import STATIC_PREFIX, AssetRoute, render_page
from .http import GraphQLEndpoint, HealthRoutes, RequestIdMiddleware
from .http.phases import PreparedDocument
from .limits import limit_extensions
from .metrics import GatewayMetrics
from .persisted import DocumentStore, MemoryDocumentStore, PersistedDocuments, RedisDocumentStore
from .runtime import Probe, Runtime
from .sources import SESSION_NAMES, Pool, build_services

__all__ = ["ServicesFactory", "create_app"]

_log = logging.getLogger("gateway.app")

# (config, sessions, pools, observer) → Services; tests and the demo may inject their own.
ServicesFactory = Callable[
    [Config, Mapping[str, aiohttp.ClientSession], Mapping[str, Pool], UpstreamObserver], Services
]


def _gateway_schema(config: Config) -> Schema:
    """The schema, plus the gateway's own extensions (prepared documents, introspection off)."""
    extensions: list[type[SchemaExtension]] = [PreparedDocument]
    extensions.extend(limit_extensions(config.limits))
    if not config.introspection:
        extensions.append(DisableIntrospection)
    return build_schema(extensions=extensions)


async def _open_pool(dsn: str, name: str) -> Pool:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=10, command_timeout=10)
    _log.info("database pool open", extra={"pool": name})
    return pool


def _pool_probe(pool: Pool) -> Probe:
    async def probe() -> None:
        await pool.fetchval("SELECT 1")

    return probe


async def _migrate_gateway_store(dsn: str) -> None:
    """Bring the gateway's own tables (audit, idempotency, topics) up to date."""
    try:
        from gateway.store import migrate_store
    except ImportError:
        return
    await migrate_store(dsn)


def _audit_sink(pool: Pool, config: Config) -> AuditSink:
    """Audit events batched into `audit.events` by a background task (started by the caller)."""

    async def write(events: Sequence[AuditEvent]) -> None:
        await insert_audit_events(pool, events)

    return AuditSink(write, max_pending=config.audit_queue_size,
                     write_timeout=config.request_timeout)


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
    schema = _gateway_schema(config)
    page = render_page() if config.graphiql else None
    endpoint = GraphQLEndpoint(schema, config, metrics, page)
    health = HealthRoutes(metrics, probe_timeout=config.readiness_timeout)
    assets = AssetRoute(config.graphiql_assets)
    factory = services_factory or build_services

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            timeout = aiohttp.ClientTimeout(total=config.request_timeout)
            sessions: dict[str, aiohttp.ClientSession] = {}
            for name in ("issuer", *SESSION_NAMES):
                session = aiohttp.ClientSession(timeout=timeout, raise_for_status=False)
                stack.push_async_callback(session.close)
                sessions[name] = session
            pools: dict[str, Pool] = {}
            probes: dict[str, Probe] = {}
            audit = None
            if config.tol_dsn:
                try:
                    pools["tol"] = await _open_pool(config.tol_dsn, "tol")
                    stack.push_async_callback(pools["tol"].close)
                except (OSError, asyncpg.PostgresError) as error:
                    # the archive is one source among three: start without it, /readyz says so
                    _log.warning("TOL archive unreachable at startup",
                                 extra={"exception_type": type(error).__name__})
            if config.database_url:
                await _migrate_gateway_store(config.database_url)
                pools["gateway"] = await _open_pool(config.database_url, "gateway")
                stack.push_async_callback(pools["gateway"].close)
                probes["gateway"] = _pool_probe(pools["gateway"])
                audit = _audit_sink(pools["gateway"], config)
                audit.start()
                stack.push_async_callback(audit.close)  # closed before the pool: drains first
            upstream = {k: v for k, v in sessions.items() if k in SESSION_NAMES}
            services = factory(config, upstream, pools, metrics)
            jwks = JwksCache(
                sessions["issuer"],
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
                                                "sources": [s.value for s in services.sources]})
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
