"""The gateway's own PostgreSQL database: audit trail, idempotency keys, health library."""

from .audit import AuditEvent, insert_audit_events
from .errors import KeyNotPending, StoreError, StoreUnavailable
from .idempotency import BeginOutcome, Begun, Conflict, IdempotencyStore, InFlight, Replay
from .migrate import migrate_store
from .topics import HealthTopicStore

__all__ = [
    "AuditEvent",
    "BeginOutcome",
    "Begun",
    "Conflict",
    "HealthTopicStore",
    "IdempotencyStore",
    "InFlight",
    "KeyNotPending",
    "Replay",
    "StoreError",
    "StoreUnavailable",
    "insert_audit_events",
    "migrate_store",
]
