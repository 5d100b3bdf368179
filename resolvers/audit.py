"""The request's audit trail: which patients were touched, how, and with what outcome."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["AuditTrail", "PatientAccess"]


@dataclass
class PatientAccess:
    """What one request did with one patient's record."""

    dod_id: str
    action: str = "read"
    outcome: str = "allowed"
    purpose: str | None = None
    record_kinds: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


@dataclass
class AuditTrail:
    """Collected during execution; the gateway writes one event per patient after it."""

    accesses: dict[tuple[str, str], PatientAccess] = field(default_factory=dict)

    def touch(
        self,
        dod_id: str,
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
