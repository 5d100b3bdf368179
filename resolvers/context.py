"""The typed per-request context: principal, loaders, deadline, per-source outcomes, audit trail."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .audit import AuditTrail
from .loaders import Loaders
from .outcomes import SourceOutcomes
from .principal import Principal
from .services import Services

if TYPE_CHECKING:
    from .patients import PatientHandle

__all__ = ["RequestContext"]


@dataclass
class RequestContext:
    """Everything one GraphQL request carries; built fresh for every request (never shared).

    `patients` holds the patients this request opened (access checked, audited), by DoD ID;
    `roots` says under which root field (response key) each was opened.
    The gateway extends this class with what only HTTP handling needs (the parsed document).
    """

    services: Services
    principal: Principal
    request_id: str  # the gateway's own, made for this request
    client_address: str | None = None  # the peer, or what a trusted proxy says the client was
    client_request_id: str | None = None  # the client's X-Request-Id (capped); never trusted
    purpose: str | None = None  # the break-glass reason, if one was given
    operation_name: str | None = None
    document_hash: str | None = None
    deadline: float = 0.0  # event-loop time by which every upstream call must be done
    loaders: Loaders = field(init=False)
    outcomes: SourceOutcomes = field(default_factory=SourceOutcomes)
    audit: AuditTrail = field(default_factory=AuditTrail)
    patients: dict[str, PatientHandle] = field(default_factory=dict)
    roots: dict[str | int, str] = field(default_factory=dict)  # root response key -> DoD ID opened there

    def __post_init__(self) -> None:
        if not self.deadline:
            loop = asyncio.get_running_loop()
            self.deadline = loop.time() + self.services.settings.request_timeout
        self.refresh_loaders()

    def refresh_loaders(self) -> None:
        """Fresh loaders (nothing cached): reads after a write see the sources afresh."""
        self.loaders = Loaders(self.services, self.deadline)
