"""When to try an idempotent read again: jittered backoff and the server's Retry-After."""

from __future__ import annotations

import datetime as dt
import random
from email.utils import parsedate_to_datetime

__all__ = ["RETRYABLE_STATUSES", "backoff", "retry_after"]

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_BASE = 0.05
_CAP = 2.0


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number `attempt + 1`: exponential, with full jitter."""
    return random.uniform(0, min(_CAP, _BASE * 2**attempt))


def retry_after(header: str | None) -> float | None:
    """The wait a `Retry-After` header asks for (delta-seconds or HTTP date), if readable."""
    if not header:
        return None
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
