"""The typed per-request context: principal, loaders, deadline, per-source outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field

from .principal import Principal
from .services import Services

__all__ = ["RequestContext"]


@dataclass
class RequestContext:
    """Everything one GraphQL request carries; built fresh for every request."""

    services: Services
    principal: Principal
    request_id: str
    client_address: str | None = None
    purpose: str | None = None  # the break-glass reason, if one was given
    operation_name: str | None = None
    document_hash: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
