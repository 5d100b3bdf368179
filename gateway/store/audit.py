"""Audit events and the one primitive that writes them (rows are only ever inserted)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._db import Executor, store_errors

__all__ = ["AUDIT_ACTIONS", "AUDIT_OUTCOMES", "AuditEvent", "insert_audit_events"]

AUDIT_ACTIONS = frozenset({"read", "create", "update", "cohort"})
AUDIT_OUTCOMES = frozenset({"allowed", "denied", "error", "partial"})

_INSERT = """
INSERT INTO audit.events (
    recorded_at, request_id, actor, role, patient, action, record_kinds, sources,
    operation_name, document_hash, outcome, purpose, client_address, token_id, failed_sources,
    project, details, client_request_id
) VALUES (coalesce($1, now()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb,
          $18)
"""


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One request touching one patient (or none), as the audit trail records it."""

    request_id: str
    actor: str
    role: str
    action: str
    outcome: str
    patient: str | None = None
    record_kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    operation_name: str | None = None
    document_hash: str | None = None
    purpose: str | None = None
    client_address: str | None = None
    token_id: str | None = None
    failed_sources: tuple[str, ...] = ()  # with outcome `partial`: the sources that failed
    project: str | None = None  # analysts: the project they worked for
    details: Mapping[str, Any] | None = None  # a cohort question: criteria and counts returned (JSON)
    client_request_id: str | None = None  # the client's X-Request-Id (capped), never the row's key
    recorded_at: dt.datetime | None = None  # None: the database's clock at insert

    def __post_init__(self) -> None:
        if self.action not in AUDIT_ACTIONS:
            raise ValueError(f"audit action must be one of {sorted(AUDIT_ACTIONS)}")
        if self.outcome not in AUDIT_OUTCOMES:
            raise ValueError(f"audit outcome must be one of {sorted(AUDIT_OUTCOMES)}")
        if self.recorded_at is not None and self.recorded_at.tzinfo is None:
            raise ValueError("audit recorded_at must be timezone-aware")

    def as_args(self) -> tuple[object, ...]:
        return (
            self.recorded_at,
            self.request_id,
            self.actor,
            self.role,
            self.patient,
            self.action,
            list(self.record_kinds),
            list(self.sources),
            self.operation_name,
            self.document_hash,
            self.outcome,
            self.purpose,
            self.client_address,
            self.token_id,
            list(self.failed_sources),
            self.project,
            None if self.details is None else json.dumps(self.details, sort_keys=True),
            self.client_request_id,
        )


async def insert_audit_events(db: Executor, rows: Sequence[AuditEvent]) -> None:
    """Insert `rows` in one atomic round trip; raise StoreUnavailable if they were not written."""
    if not rows:
        return
    with store_errors("audit insert"):
        await db.executemany(_INSERT, [row.as_args() for row in rows])
