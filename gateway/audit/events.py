"""A request's audit trail → one audit event per patient and action it touched."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from gateway.store import AuditEvent
from resolvers.context import RequestContext

__all__ = ["AuditWriter", "events_for"]

AuditWriter = Callable[[Sequence[AuditEvent]], Awaitable[None]]  # raises unless all were written


def events_for(context: RequestContext) -> list[AuditEvent]:
    """One event per patient (and action) the request touched."""
    principal = context.principal
    return [
        AuditEvent(
            request_id=context.request_id,
            actor=principal.subject,
            role=principal.role.value,
            action=access.action,
            outcome=access.outcome,
            patient=access.dod_id,
            record_kinds=tuple(sorted(access.record_kinds)),
            sources=tuple(sorted(access.sources)),
            operation_name=context.operation_name,
            document_hash=context.document_hash,
            purpose=access.purpose,  # set only where break-glass was used (or tried and denied)
            client_address=context.client_address,
            token_id=principal.token_id,
        )
        for access in context.audit.accesses.values()
    ]
