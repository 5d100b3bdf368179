"""The gateway's own PostgreSQL database (not an upstream): audit, idempotency keys, health library, vault."""

from .audit import AuditEvent, insert_audit_events
from .errors import KeyNotPending, StoreError, StoreUnavailable
from .idempotency import IdempotencyStore
from .migrate import migrate_store
from .persons import PersonStore, new_person_key
from .topics import HealthTopicStore

__all__ = [
    "AuditEvent",
    "HealthTopicStore",
    "IdempotencyStore",
    "KeyNotPending",
    "PersonStore",
    "StoreError",
    "StoreUnavailable",
    "insert_audit_events",
    "migrate_store",
    "new_person_key",
]
