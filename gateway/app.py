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

from resolvers.services import Services
from schema import build_schema
from sources.records import RecordSource
from sources.spec import Deps, Pool

from .audit import AuditSink
from .auth import Authenticator, JwksCache, TokenVerifier
from .capabilities import CapabilityWatch
from .config import Config
from .graphiql import STATIC_PREFIX, AssetRoute, examples, render_page
from .http import GraphQLEndpoint, HealthRoutes, RequestIdMiddleware
from .http.admin import AdminAccess
from .http.compression import compression
from .http.listener import SideListener
from .http.note_documents import ROUTE as DOCUMENT_ROUTE
from .http.note_documents import NoteDocumentRoute
from .http.phases import PreparedDocument
from .http.security_headers import SecurityHeadersMiddleware
from .mart import MartReader, MartRefresher, export_job
from .metrics import GatewayMetrics, worker_exited
from .persisted import DocumentStore, MemoryDocumentStore, PersistedDocuments, RedisDocumentStore
from .ratelimit import Counters, Limiter, Quotas, RequestLimiter, memory_counters, redis_counters
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


async def _mart_refresher(
    config: Config, deps: Mapping[RecordSource, Deps], services: Services, stack: contextlib.AsyncExitStack
) -> MartRefresher | None:
    """The export job on this process's schedule, when `MHS_GATEWAY_MART_REFRESH` asks for one."""
    if config.mart.refresh <= 0 or config.mart.directory is None or not config.database_url:
        return None
    pool = await asyncpg.create_pool(config.database_url, min_size=0, max_size=2, command_timeout=30)
    stack.push_async_callback(pool.close)
    job = export_job(config, deps, services.sources, pool)
    if job is None:
        return None
    refresher = MartRefresher(job.run, config.mart.refresh)
    refresher.start()
    stack.push_async_callback(refresher.close)  # stops before the sources' sessions close
    return refresher


def _document_store(config: Config) -> DocumentStore:
    """Redis when `REDIS_URL` is set (shared by every worker), else this process's memory."""
    settings = config.persisted
    if config.redis_url:
        _log.info("persisted queries shared through Redis")
        return RedisDocumentStore.from_url(
            config.redis_url, ttl=settings.ttl, timeout=settings.redis_timeout
        )
    return MemoryDocumentStore(max_entries=settings.cache_entries)


def _counters(config: Config) -> Counters:
    """Rate-limit counters: in Redis when `REDIS_URL` is set (shared by every worker), else here."""
    if config.redis_url:
        return redis_counters(config.redis_url, prefix=config.rate_limits.key_prefix,
                              timeout=config.persisted.redis_timeout)
    return memory_counters()


def _admin_app(health: HealthRoutes, runtime: Runtime) -> Starlette:
    """The admin listener's routes: liveness, readiness with its detail, metrics."""
    admin = Starlette(routes=[
        Route("/healthz", health.healthz, methods=["GET"]),
        Route("/readyz", health.readyz, methods=["GET"]),
        Route("/metrics", health.metrics, methods=["GET"]),
    ], middleware=[Middleware(SecurityHeadersMiddleware)])
    admin.state.runtime = runtime
    return admin


def create_app(config: Config, *, services_factory: ServicesFactory | None = None) -> Starlette:
    """The gateway. Clients and pools are created at startup and closed at shutdown."""
    metrics = GatewayMetrics()
    schema = _gateway_schema()
    page = render_page(tabs=examples(config.operations_dir)) if config.graphiql else None
    endpoint = GraphQLEndpoint(schema, config, metrics, page)
    access = AdminAccess(config.metrics_token, separate=config.admin_port is not None)
    health = HealthRoutes(metrics, probe_timeout=config.readiness_timeout, access=access)
    assets = AssetRoute(config.graphiql_assets)
    documents = NoteDocumentRoute(config)
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
            limiter = Limiter(_counters(config), timeout=config.persisted.redis_timeout)
            stack.push_async_callback(limiter.close)
            deps = await open_sources(config, stack, metrics)
            reader = MartReader(config.mart.directory) if config.mart.directory is not None else None
            if reader is not None:
                stack.callback(reader.close)
            quotas = Quotas(config.rate_limits, limiter, config.pseudonym_key)
            services = factory(config, Opened(deps, store, metrics, reader, quotas, metrics.link_cache_lookup))
            watch = CapabilityWatch(services.sources, services.capabilities, interval=config.capability_refresh,
                                    timeout=min(config.readiness_timeout, config.request_timeout))  # fmt: skip
            await watch.start()
            stack.push_async_callback(watch.close)  # stops before the sources' sessions close
            app.state.mart_refresher = await _mart_refresher(config, deps, services, stack)
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
                authenticator=Authenticator(
                    verifier,
                    clinician_amr=config.auth.clinician_amr,
                    analyst_amr=config.auth.analyst_amr,
                    projects=config.analyst_projects.names,
                ),
                persisted=persisted,
                database_probes=probes,
                audit=audit,
                limiter=RequestLimiter(config.rate_limits, limiter, config.pseudonym_key),
            )
            app.state.jwks = jwks
            if config.admin_port is not None:
                admin = _admin_app(health.on_admin_listener(), app.state.runtime)
                listener = SideListener(admin, host=config.admin_host, port=config.admin_port)
                await listener.start()
                stack.push_async_callback(listener.stop)
                app.state.admin_url = listener.url
            if config.graphiql and assets.missing():
                _log.warning("GraphiQL assets missing; run `make setup`",
                             extra={"missing": assets.missing()})
            _log.info("gateway started", extra={"mode": config.mode,
                                                "sources": services.ranked()})
            metrics.serving(True)
            stack.callback(worker_exited)  # in multiprocess mode: this worker's live gauges go
            yield
            _log.info("gateway stopping")
            metrics.serving(False)

    routes = [
        # every method reaches the endpoint, which answers 405 in GraphQL shape itself
        Route("/graphql", endpoint.handle,
              methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]),
        Route(DOCUMENT_ROUTE, documents.handle, methods=["GET"]),
        Route("/healthz", health.healthz, methods=["GET"]),
        Route("/readyz", health.readyz, methods=["GET"]),
        Route("/metrics", health.metrics, methods=["GET"]),
    ]
    if config.graphiql:
        routes.append(Route(STATIC_PREFIX + "/{file}", assets.serve, methods=["GET"]))
    middleware = [Middleware(SecurityHeadersMiddleware)]
    if config.compression_min_size:
        middleware.append(compression(config.compression_min_size))
    middleware.append(Middleware(RequestIdMiddleware))
    if config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-Id",
                               "X-Break-Glass-Reason"],
                expose_headers=["X-Request-Id", "Content-Disposition"],
                max_age=600,
            )
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.metrics = metrics
    app.state.config = config
    return app
