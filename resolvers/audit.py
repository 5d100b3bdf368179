"""The request's audit trail: which patients were touched, how, and with what outcome."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import GatewayError

__all__ = ["AuditClosed", "AuditTrail", "CohortAccess", "PatientAccess"]


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
class CohortAccess:
    """One cohort question: the project, what was asked, and what was answered (counts only:
    never who is in it; `handed_out` says how many pseudonymous patient ids were given)."""

    project: str
    criteria: dict[str, Any]
    dimensions: list[str]
    total: int | None
    cells: list[list[Any]]  # the cells shown: their dimension values, then the count
    suppressed: int  # how many cells were suppressed
    handed_out: int = 0


@dataclass
class AuditTrail:
    """Collected during execution; the gateway writes one event per patient after it.

    `closed` is set by the gateway when the audit log cannot take events: then no patient is
    opened at all (`check_open` raises AuditClosed) rather than read and refused afterwards.
    """

    accesses: dict[tuple[str | None, str], PatientAccess] = field(default_factory=dict)
    cohorts: list[CohortAccess] = field(default_factory=list)
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

    def cohort(
        self, project: str, query: Any, dimensions: Sequence[Any], total: int | None, cells: Sequence[Any]
    ) -> None:
        """Record a cohort question and the counts it answered."""
        shown = [[*c.values, c.count] for c in cells if not c.suppressed]
        criteria = {k: v for k, v in _plain(dataclasses.asdict(query)).items() if v}
        self.cohorts.append(CohortAccess(project, criteria, [str(d) for d in dimensions], total, shown,
                                         sum(1 for c in cells if c.suppressed)))

    def handed_out(self, project: str, count: int) -> None:
        """Record that `count` pseudonymous patient ids of the last cohort were handed out."""
        for entry in reversed(self.cohorts):
            if entry.project == project:
                entry.handed_out += count
                return


def _plain(value: Any) -> Any:
    """Lists and strings only (tuples and enums as JSON takes them)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value) if hasattr(value, "value") else value
