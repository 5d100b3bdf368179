"""A request's audit trail → one audit event per patient and action it touched."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from gateway.store import AuditEvent
from resolvers.audit import CohortAccess, PatientAccess
from resolvers.context import RequestContext

__all__ = ["AuditWriter", "events_for"]

AuditWriter = Callable[[Sequence[AuditEvent]], Awaitable[None]]  # raises unless all were written


def events_for(context: RequestContext) -> list[AuditEvent]:
    """One event per patient (and action) the request touched; a read that a source failed for is
    `partial` and names the failed sources; and one per cohort question."""
    events = []
    for access in context.audit.accesses.values():
        failed = context.outcomes.failed_sources(access.dod_id) if access.dod_id else ()
        partial = access.action == "read" and access.outcome == "allowed" and bool(failed)
        events.append(_event(context, access, "partial" if partial else access.outcome, failed))
    events.extend(_cohort_event(context, question) for question in context.audit.cohorts)
    return events


def _cohort_event(context: RequestContext, question: CohortAccess) -> AuditEvent:
    """A cohort question: no patient; the criteria and the counts returned, in `details`."""
    principal = context.principal
    details = {"criteria": question.criteria, "by": question.dimensions, "total": question.total,
               "cells": question.cells, "suppressed": question.suppressed, "handed_out": question.handed_out}
    return AuditEvent(
        request_id=context.request_id,
        actor=principal.subject,
        role=principal.role.value,
        action="cohort",
        outcome="allowed",
        operation_name=context.operation_name,
        document_hash=context.document_hash,
        client_address=context.client_address,
        token_id=principal.token_id,
        client_request_id=context.client_request_id,
        project=question.project,
        details=details,
    )


def _event(context: RequestContext, access: PatientAccess, outcome: str, failed: tuple[str, ...]) -> AuditEvent:
    principal = context.principal
    return AuditEvent(
        request_id=context.request_id,
        actor=principal.subject,
        role=principal.role.value,
        action=access.action,
        outcome=outcome,
        patient=access.dod_id,
        record_kinds=tuple(sorted(access.record_kinds)),
        sources=tuple(sorted(access.sources)),
        operation_name=context.operation_name,
        document_hash=context.document_hash,
        purpose=access.purpose,  # set only where break-glass was used (or tried and denied)
        client_address=context.client_address,
        token_id=principal.token_id,
        client_request_id=context.client_request_id,
        failed_sources=failed,
        project=principal.project,
    )
