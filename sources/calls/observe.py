"""A hook through which sources report every upstream call (the gateway turns it into metrics)."""

from __future__ import annotations

from typing import Protocol

from ..records import RecordSource

__all__ = ["NullObserver", "UpstreamObserver"]


class UpstreamObserver(Protocol):
    """Receives one call per upstream round trip: which source, which kind, outcome, duration."""

    def upstream_call(self, source: RecordSource, kind: str, status: str, seconds: float) -> None:
        """`status` is the HTTP status as text, or `error` / `timeout`; `kind` a RecordKind value."""


class NullObserver:
    """An observer that drops everything (for tools and tests that do not need metrics)."""

    def upstream_call(self, source: RecordSource, kind: str, status: str, seconds: float) -> None:
        return None
