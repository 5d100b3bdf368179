"""The audit trail on its way to the store: events per request and patient, a fail-closed sink."""

from .errors import AuditUnavailable
from .events import AuditWriter, events_for
from .sink import AuditSink, AuditState

__all__ = ["AuditSink", "AuditState", "AuditUnavailable", "AuditWriter", "events_for"]
