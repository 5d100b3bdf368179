"""The gateway's own PostgreSQL database (not an upstream): audit trail, idempotency keys, health library."""

from .audit import AuditEvent, insert_audit_events
from .errors import KeyNotPending, StoreError, StoreUnavailable
from .idempotency import IdempotencyStore
from .migrate import migrate_store
from .topics import HealthTopicStore

__all__ = [
    "AuditEvent",
    "HealthTopicStore",
    "IdempotencyStore",
    "KeyNotPending",
    "StoreError",
    "StoreUnavailable",
    "insert_audit_events",
    "migrate_store",
]
