"""The gateway's configuration: one frozen object built once from the environment."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from resolvers.deid import Projects
from sources.registry import SPECS
from sources.spec import Configured

from .env import Env
from .errors import ConfigError
from .operations import default_operations_dir
from .persisted import TrustedDocuments
from .proxies import IPNetwork, parse_networks
from .ratelimit.settings import RateLimitConfig, read_rate_limits

__all__ = [
    "AuthConfig",
    "Config",
    "DatabaseConfig",
    "LimitsConfig",
    "MartConfig",
    "PersistedConfig",
    "default_graphiql_assets",
]

_REFUSED_ALGS = frozenset({"none", "HS256", "HS384", "HS512"})
_KNOWN_ALGS = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384",
                         "PS512", "EdDSA"})
_REDIS_SCHEMES = ("redis", "rediss", "unix")
_THIRTY_DAYS = 30 * 24 * 3600


def default_graphiql_assets() -> Path:
    """`graphiql/node_modules` beside the package checkout (where `make setup` installs it)."""
    return Path(__file__).resolve().parent.parent / "graphiql" / "node_modules"


@dataclass(frozen=True, slots=True)
class AuthConfig:
    """How bearer tokens are checked: whose, for whom, signed how."""

    issuer: str
    audience: str
    jwks_url: str
    allowed_algs: tuple[str, ...] = ("RS256", "ES256")
    clinician_amr: str = "cac"  # empty: no strong-auth method is required of clinicians
    analyst_amr: str = "cac"  # the same for analysts (by default, whatever clinicians need)
    leeway: float = 30.0
    jwks_refresh_interval: float = 30.0  # unknown `kid` refetches the JWKS at most this often

    def __post_init__(self) -> None:
        if not self.allowed_algs:
            raise ConfigError("MHS_GATEWAY_ALLOWED_ALGS", "must name at least one algorithm")
        refused = [a for a in self.allowed_algs if a in _REFUSED_ALGS or a.lower() == "none"]
        if refused:
            raise ConfigError(
                "MHS_GATEWAY_ALLOWED_ALGS", f"{', '.join(refused)} is never accepted"
            )
        unknown = [a for a in self.allowed_algs if a not in _KNOWN_ALGS]
        if unknown:
            raise ConfigError("MHS_GATEWAY_ALLOWED_ALGS", f"unknown algorithm {unknown[0]!r}")


@dataclass(frozen=True, slots=True)
class LimitsConfig:
    """What a single request may ask for before it is refused unexecuted."""

    max_body_bytes: int = 1_000_000
    max_depth: int = 12
    max_aliases: int = 30
    max_root_fields: int = 25  # the clinician panel asks for 20 patients at once
    max_fields: int = 10_000  # fields selected once fragments are expanded
    max_tokens: int = 5_000
    max_cost: int = 10_000
    list_weight: int = 10  # the size the cost estimate assumes for a list no entry of schema/costs.py sizes
    max_page_size: int = 100  # the largest `first`


@dataclass(frozen=True, slots=True)
class DatabaseConfig:
    """The gateway's own database: a pool per use, so nothing a client sends can starve the audit."""

    audit_pool: int = 2  # connections the audit writer has to itself
    idempotency_pool: int = 4  # connections for the patient actions' keys
    library_pool: int = 4  # connections for the health library
    statement_timeout: float = 2.0  # seconds any one statement may run (server-side)
    audit_commit_timeout: float = 2.0  # seconds a request waits for its audit row before 503

    def __post_init__(self) -> None:
        for name in ("statement_timeout", "audit_commit_timeout"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"MHS_GATEWAY_{name.upper()}", "must be positive")


@dataclass(frozen=True, slots=True)
class PersistedConfig:
    """Persisted queries: the trusted-document manifest, and the APQ store's size and expiry."""

    trusted_documents: TrustedDocuments = field(default_factory=TrustedDocuments)
    trusted_only: bool = False  # only manifest documents run; APQ registration refused
    ttl: int = _THIRTY_DAYS  # seconds a registered document lives in Redis after its last use
    cache_entries: int = 1000  # documents the in-memory store keeps (no REDIS_URL)
    redis_timeout: float = 0.5  # seconds to connect to or hear from Redis before "not found"

    def __post_init__(self) -> None:
        if self.trusted_only and not self.trusted_documents:
            raise ConfigError(
                "MHS_GATEWAY_TRUSTED_ONLY",
                "needs MHS_GATEWAY_TRUSTED_DOCUMENTS naming a manifest with at least one document",
            )
        for name, value in (("APQ_TTL", self.ttl), ("APQ_CACHE_SIZE", self.cache_entries),
                            ("REDIS_TIMEOUT", self.redis_timeout)):
            if not value > 0:
                raise ConfigError(f"MHS_GATEWAY_{name}", f"must be positive, got {value}")


@dataclass(frozen=True, slots=True)
class MartConfig:
    """The de-identified mart: where its files live, how small a count may be shown, how often
    this process refreshes it (0: not at all; run `mhs-gateway mart export` instead)."""

    directory: Path | None = None
    threshold: int = 11
    refresh: float = 0.0

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ConfigError("MHS_GATEWAY_COHORT_THRESHOLD", "must be at least 1")


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the gateway process needs; nothing else reads the environment."""

    mode: str
    auth: AuthConfig
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str | None = field(default=None, repr=False)
    redis_url: str | None = field(default=None, repr=False)
    sources: tuple[Configured[Any], ...] = ()  # the registered sources this deployment configures
    request_timeout: float = 5.0
    source_timeout: float = 3.0
    pseudonym_key: bytes = field(default_factory=lambda: _random_key(), repr=False)
    analyst_projects: Projects = field(default_factory=Projects)
    mart: MartConfig = field(default_factory=MartConfig)
    introspection: bool = True
    field_suggestions: bool = True  # "Did you mean ...?" in validation errors (demo only by default)
    cors_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[IPNetwork, ...] = ()  # peers whose X-Forwarded-For is believed
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    persisted: PersistedConfig = field(default_factory=PersistedConfig)
    rate_limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    graphiql: bool = True
    graphiql_assets: Path = field(default_factory=default_graphiql_assets)
    operations_dir: Path = field(default_factory=default_operations_dir)  # GraphiQL's tabs come from it
    log_level: str = "INFO"
    readiness_timeout: float = 2.0
    capability_refresh: float = 300.0  # seconds between reads of what the upstreams offer; 0: at startup only
    link_cache_seconds: float = 60.0  # how long a patient's own links (record ids only) are kept; 0: off
    tracing: bool = False  # OpenTelemetry spans to OTLP (the `otel` extra)
    compression_min_size: int = 1024  # answers of at least this many bytes are compressed; 0: never
    drain_seconds: float = 10.0  # at shutdown, how long requests in flight may still finish
    metrics_token: str | None = field(default=None, repr=False)  # /metrics and /readyz detail need it
    admin_host: str = "127.0.0.1"
    admin_port: int | None = None  # a separate listener for /metrics and /readyz detail (only there)
    audit_queue_size: int = 10_000  # audit events waiting to be written before PHI is refused
    document_max_bytes: int = 20 * 1024 * 1024  # a note's document larger than this is not served
    database: DatabaseConfig = field(default_factory=DatabaseConfig)

    @property
    def production(self) -> bool:
        return self.mode == "production"

    def source(self, name: str) -> Configured[Any] | None:
        """The configured source registered under `name`, if this deployment has it."""
        return next((c for c in self.sources if c.name == name), None)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Config:
        """Build and validate the config; raises ConfigError naming the first bad variable."""
        env = Env(environ)
        mode = env.choice("MODE", ("production", "demo"), "production")
        production = mode == "production"
        clinician_amr = env.text_or_empty("CLINICIAN_AMR", "cac")
        auth = AuthConfig(
            issuer=env.required("ISSUER"),
            audience=env.required("AUDIENCE"),
            jwks_url=env.url("JWKS_URL", required=True) or "",
            allowed_algs=env.items("ALLOWED_ALGS", ("RS256", "ES256")),
            clinician_amr=clinician_amr,
            analyst_amr=env.text_or_empty("ANALYST_AMR", clinician_amr),
            leeway=env.number("TOKEN_LEEWAY", 30.0, low_inclusive=True),
            jwks_refresh_interval=env.number("JWKS_REFRESH_INTERVAL", 30.0, low_inclusive=True),
        )
        pseudonym = env.raw("PSEUDONYM_KEY")
        if pseudonym is None and production:
            raise ConfigError(env.name("PSEUDONYM_KEY"), "is required in production mode")
        if pseudonym is not None and len(pseudonym) < 16:
            raise ConfigError(env.name("PSEUDONYM_KEY"), "must be at least 16 characters")
        database_url = env.dsn("DATABASE_URL", "DATABASE_URL")
        if database_url is None and production:
            raise ConfigError("DATABASE_URL", "is required in production mode")
        request_timeout = env.number("REQUEST_TIMEOUT", 5.0)
        return cls(
            mode=mode,
            auth=auth,
            host=env.text("HOST", "127.0.0.1") or "127.0.0.1",
            port=_port(env, "PORT", 8000) or 0,
            database_url=database_url,
            redis_url=_redis_url(env),
            sources=_sources(env),
            request_timeout=request_timeout,
            source_timeout=env.number("SOURCE_TIMEOUT", round(0.6 * request_timeout, 3)),
            pseudonym_key=pseudonym.encode() if pseudonym else _random_key(),
            analyst_projects=_projects(env),
            mart=_mart(env),
            introspection=env.flag("INTROSPECTION", not production),
            field_suggestions=env.flag("FIELD_SUGGESTIONS", not production),
            cors_origins=env.items("CORS_ORIGINS"),
            trusted_proxies=_networks(env, "TRUSTED_PROXIES"),
            limits=LimitsConfig(
                max_body_bytes=env.integer("MAX_BODY_BYTES", 1_000_000, minimum=1),
                max_depth=env.integer("MAX_DEPTH", 12, minimum=1),
                max_aliases=env.integer("MAX_ALIASES", 30, minimum=1),
                max_root_fields=env.integer("MAX_ROOT_FIELDS", 25, minimum=1),
                max_fields=env.integer("MAX_FIELDS", 10_000, minimum=1),
                max_tokens=env.integer("MAX_TOKENS", 5_000, minimum=1),
                max_cost=env.integer("MAX_COST", 10_000, minimum=1),
                list_weight=env.integer("LIST_WEIGHT", 10, minimum=1),
                max_page_size=env.integer("MAX_PAGE_SIZE", 100, minimum=1),
            ),
            persisted=_persisted(env),
            rate_limits=read_rate_limits(env),
            graphiql=env.flag("GRAPHIQL", not production),
            graphiql_assets=Path(env.text("GRAPHIQL_ASSETS") or default_graphiql_assets()),
            operations_dir=Path(env.text("OPERATIONS") or default_operations_dir()),
            log_level=env.choice(
                "LOG_LEVEL", ("debug", "info", "warning", "error", "critical"), "info"
            ).upper(),
            readiness_timeout=env.number("READINESS_TIMEOUT", 2.0),
            capability_refresh=env.number("CAPABILITY_REFRESH", 300.0, low_inclusive=True),
            link_cache_seconds=env.number("LINK_CACHE_SECONDS", 60.0, low_inclusive=True),
            tracing=env.flag("TRACING", False),
            compression_min_size=env.integer("COMPRESSION_MIN_SIZE", 1024),
            drain_seconds=env.number("DRAIN_SECONDS", 10.0, low_inclusive=True),
            metrics_token=_token(env, "METRICS_TOKEN"),
            admin_host=env.text("ADMIN_HOST", "127.0.0.1") or "127.0.0.1",
            admin_port=_port(env, "ADMIN_PORT", None),
            audit_queue_size=env.integer("AUDIT_QUEUE_SIZE", 10_000, minimum=1),
            document_max_bytes=env.integer("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1),
            database=DatabaseConfig(
                audit_pool=env.integer("AUDIT_POOL_SIZE", 2, minimum=1),
                idempotency_pool=env.integer("IDEMPOTENCY_POOL_SIZE", 4, minimum=1),
                library_pool=env.integer("LIBRARY_POOL_SIZE", 4, minimum=1),
                statement_timeout=env.number("STATEMENT_TIMEOUT", 2.0),
                audit_commit_timeout=env.number("AUDIT_COMMIT_TIMEOUT", 2.0),
            ),
        )


def _random_key() -> bytes:
    """A demo's pseudonym secret when none is configured: new at every start, known to no one."""
    return secrets.token_urlsafe(32).encode()


def _projects(env: Env) -> Projects:
    try:
        return Projects.parse(env.items("ANALYST_PROJECTS"))
    except ValueError as error:
        raise ConfigError(env.name("ANALYST_PROJECTS"), str(error)) from None


def _mart(env: Env) -> MartConfig:
    directory = env.text("MART_DIR")
    return MartConfig(
        directory=Path(directory) if directory else None,
        threshold=env.integer("COHORT_THRESHOLD", 11, minimum=1),
        refresh=env.number("MART_REFRESH", 0.0, low_inclusive=True),
    )


def _port(env: Env, key: str, default: int | None) -> int | None:
    if env.raw(key) is None:
        return default
    port = env.integer(key, 0)
    if port > 65535:
        raise ConfigError(env.name(key), f"must be a TCP port (0-65535), got {port}")
    return port


def _token(env: Env, key: str) -> str | None:
    """A bearer secret: at least 16 characters; never echoed."""
    value = env.raw(key)
    if value is not None and len(value) < 16:
        raise ConfigError(env.name(key), "must be at least 16 characters")
    return value


def _networks(env: Env, key: str) -> tuple[IPNetwork, ...]:
    try:
        return parse_networks(env.items(key))
    except ValueError as error:
        raise ConfigError(env.name(key), str(error)) from None


def _redis_url(env: Env) -> str | None:
    """`REDIS_URL` (or `MHS_GATEWAY_REDIS_URL`); never echoed (it may hold a password)."""
    value = env.raw("REDIS_URL", "REDIS_URL")
    if value is not None and urlsplit(value).scheme not in _REDIS_SCHEMES:
        raise ConfigError("REDIS_URL", "must be a redis://, rediss:// or unix:// URL")
    return value


def _persisted(env: Env) -> PersistedConfig:
    manifest = env.text("TRUSTED_DOCUMENTS")
    trusted = (
        TrustedDocuments.load(Path(manifest), env.name("TRUSTED_DOCUMENTS"))
        if manifest is not None
        else TrustedDocuments()
    )
    return PersistedConfig(
        trusted_documents=trusted,
        trusted_only=env.flag("TRUSTED_ONLY", False),
        ttl=env.integer("APQ_TTL", _THIRTY_DAYS, minimum=1),
        cache_entries=env.integer("APQ_CACHE_SIZE", 1000, minimum=1),
        redis_timeout=env.number("REDIS_TIMEOUT", 0.5),
    )


def _sources(env: Env) -> tuple[Configured[Any], ...]:
    """Every registered source this environment configures, each read from its own prefix."""
    found: list[Configured[Any]] = []
    for spec in SPECS:
        settings = spec.configure(env.scoped(spec.env_prefix))
        if settings is not None:
            found.append(Configured(spec, settings))
    return tuple(found)
