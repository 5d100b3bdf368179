"""Whose record an action is about, for the audit trail."""

from __future__ import annotations

from ..context import RequestContext
from ..principal import Role

__all__ = ["acting_patient"]


def acting_patient(ctx: RequestContext) -> str | None:
    """The signed-in patient's DoD ID; None for clinicians and analysts (who may not write)."""
    return ctx.principal.subject if ctx.principal.role is Role.PATIENT else None
