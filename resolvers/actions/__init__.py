"""Patient actions (writes to GENESIS): idempotent by key, answered as ActionResults."""

from __future__ import annotations

from .idempotency import OutcomeUnknown, principal_key, request_key, run_idempotent
from .results import ActionResult, UserErrorRecord

__all__ = [
    "ActionResult",
    "OutcomeUnknown",
    "UserErrorRecord",
    "principal_key",
    "request_key",
    "run_idempotent",
]

