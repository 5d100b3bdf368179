"""Patient actions (writes to GENESIS); refused until the write path lands."""

from __future__ import annotations

from .context import RequestContext

__all__ = ["not_available"]


def not_available(ctx: RequestContext) -> tuple[str, str]:
    """The refusal every action gives until GENESIS writes are implemented: nothing is written."""
    return "NOT_AVAILABLE", "This action is not available yet; nothing was written."
