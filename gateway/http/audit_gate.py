"""Fail closed on the audit log, for every route that serves health data: refused (503) before any
source is asked when the log cannot take events, and nothing leaves unless its events committed."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from gateway.audit import AuditSink, AuditUnavailable
from gateway.store import AuditEvent

from .problems import HttpProblem

__all__ = ["audit_refusal", "commit_audit", "require_audit"]

_log = logging.getLogger("gateway.audit")


def audit_refusal(error: AuditUnavailable) -> HttpProblem:
    """The one answer to "the audit log cannot record this now": 503, try again shortly."""
    return HttpProblem(503, error.code, error.message, headers={"Retry-After": "5"})


def _configured(sink: AuditSink | None) -> AuditSink:
    if sink is None:
        raise AuditUnavailable("NOT_CONFIGURED", 0)
    return sink


def require_audit(sink: AuditSink | None) -> None:
    """Refuse (503) unless the audit log can take events now."""
    try:
        _configured(sink).check()
    except AuditUnavailable as error:
        raise audit_refusal(error) from None


async def commit_audit(sink: AuditSink | None, events: Sequence[AuditEvent]) -> None:
    """Commit who touched which patient before anything is answered; refuse (503) if that cannot
    be done in time (the data never leaves)."""
    if not events:
        return
    try:
        await _configured(sink).commit(events)
    except AuditUnavailable as error:
        _log.error("audit events not committed", extra={"state": error.state, "events": len(events)})
        raise audit_refusal(error) from None
