"""Per-patient quotas on actions (e.g. bookings per day), as the write pipeline sees them."""

from __future__ import annotations

from typing import Protocol

__all__ = ["ActionQuotas"]


class ActionQuotas(Protocol):
    """Counts uses of a quota by one subject, shared by every worker (the gateway implements it)."""

    async def take(self, quota: str, subject: str) -> float | None:
        """Count one use of `quota` by `subject`: None when it was within the quota, else the
        seconds until one more use is allowed (nothing is counted then)."""
