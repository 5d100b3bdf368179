"""Patient actions (writes to GENESIS): idempotent by key, answered as ActionResults."""

from __future__ import annotations

from ..context import RequestContext
from .idempotency import OutcomeUnknown, principal_key, request_key, run_idempotent
from .results import ActionResult, UserErrorRecord

__all__ = [
    "ActionResult",
    "OutcomeUnknown",
    "UserErrorRecord",
    "not_available",
    "principal_key",
    "request_key",
    "run_idempotent",
]


def not_available(ctx: RequestContext) -> tuple[str, str]:
    """The refusal an action gives until its GENESIS write is implemented: nothing is written."""
    return "NOT_AVAILABLE", "This action is not available yet; nothing was written."
