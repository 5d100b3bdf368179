"""What the lifespan builds once per process and every request reads: services, sign-in, probes,
persisted documents, rate limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from resolvers.services import Services

from .audit import AuditSink
from .auth import Authenticator
from .persisted import PersistedDocuments
from .ratelimit import RequestLimiter

__all__ = ["Probe", "Runtime"]

Probe = Callable[[], Awaitable[None]]  # raises when the dependency is not ready


@dataclass(frozen=True)
class Runtime:
    """Long-lived handles; `database_probes` must all pass for /readyz to say ready."""

    services: Services
    authenticator: Authenticator
    persisted: PersistedDocuments
    database_probes: Mapping[str, Probe] = field(default_factory=dict)
    audit: AuditSink | None = None  # None: no gateway database (requests touching PHI fail)
    limiter: RequestLimiter | None = None  # None: nothing is rate limited
