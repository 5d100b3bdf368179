"""The request's audit trail: which patients were touched, how, and with what outcome."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import GatewayError

__all__ = ["AuditClosed", "AuditTrail", "PatientAccess"]


class AuditClosed(GatewayError):
    """The audit log cannot record this access now, so the record is not opened (HTTP 503)."""

    code = "AUDIT_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__("The audit log is unavailable; no records were served.")


@dataclass
class PatientAccess:
    """What one request did with one patient's record (None: no patient, e.g. a refused write)."""

    dod_id: str | None
    action: str = "read"
    outcome: str = "allowed"
    purpose: str | None = None
    record_kinds: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


@dataclass
class AuditTrail:
    """Collected during execution; the gateway writes one event per patient after it.

    `closed` is set by the gateway when the audit log cannot take events: then no patient is
    opened at all (`check_open` raises AuditClosed) rather than read and refused afterwards.
    """

    accesses: dict[tuple[str | None, str], PatientAccess] = field(default_factory=dict)
    closed: bool = False

    def check_open(self) -> None:
        if self.closed:
            raise AuditClosed()

    def touch(
        self,
        dod_id: str | None,
        *,
        action: str = "read",
        outcome: str = "allowed",
        purpose: str | None = None,
        kind: str | None = None,
        source: str | None = None,
    ) -> None:
        entry = self.accesses.get((dod_id, action))
        if entry is None:
            entry = PatientAccess(dod_id, action, outcome, purpose)
            self.accesses[(dod_id, action)] = entry
        if outcome == "denied" or (outcome == "error" and entry.outcome == "allowed"):
            entry.outcome = outcome
        if purpose:
            entry.purpose = purpose
        if kind:
            entry.record_kinds.add(kind)
        if source:
            entry.sources.add(source)
