"""Why audit events could not be accepted: the sink is failing or full (never which patient)."""

from __future__ import annotations

__all__ = ["AuditUnavailable"]


class AuditUnavailable(Exception):
    """The audit store cannot take events now; health data must not be served (HTTP 503)."""

    code = "AUDIT_UNAVAILABLE"
    message = "The audit log is unavailable; no records were served."

    def __init__(self, state: str, pending: int) -> None:
        self.state = state
        self.pending = pending
        super().__init__(f"audit sink {state} with {pending} events pending")
