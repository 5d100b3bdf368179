"""The typed per-request context: principal, loaders, deadline, per-source outcomes, audit trail."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from .audit import AuditTrail
from .loaders import Loaders
from .outcomes import SourceOutcomes
from .principal import Principal
from .services import Services

__all__ = ["RequestContext"]


@dataclass
class RequestContext:
    """Everything one GraphQL request carries; built fresh for every request (never shared)."""

    services: Services
    principal: Principal
    request_id: str
    client_address: str | None = None
    purpose: str | None = None  # the break-glass reason, if one was given
    operation_name: str | None = None
    document_hash: str | None = None
    deadline: float = 0.0  # event-loop time by which every upstream call must be done
    loaders: Loaders = field(init=False)
    outcomes: SourceOutcomes = field(default_factory=SourceOutcomes)
    audit: AuditTrail = field(default_factory=AuditTrail)
    extras: dict[str, Any] = field(default_factory=dict)  # per-request caches (loaders)

    def __post_init__(self) -> None:
        if not self.deadline:
            loop = asyncio.get_running_loop()
            self.deadline = loop.time() + self.services.settings.request_timeout
        self.loaders = Loaders(self.services.sources, self.deadline, self.services.settings.source_timeout)
