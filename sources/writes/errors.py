"""Refusals of patient writes: the request was understood and refused, nothing was written.

WriteRefused          a business rule said no; `reason_code` is the userError code
 ├── SlotUnavailable  the slot is taken, gone by, or was taken first by another request (412)
 └── NotSupported     the upstream does not offer this (any more): NOT_SUPPORTED

Upstream failures stay `sources.errors.SourceError`s.
"""

from __future__ import annotations

__all__ = ["NotSupported", "SlotUnavailable", "WriteRefused"]


class WriteRefused(Exception):
    """`reason_code` (NOT_FOUND, NOT_CANCELLABLE, ...) about `target` (slot, newSlot, appointment)."""

    def __init__(self, reason_code: str, target: str, detail: str) -> None:
        self.reason_code = reason_code
        self.target = target
        self.detail = detail
        super().__init__(f"{reason_code} ({target}): {detail}")


class SlotUnavailable(WriteRefused):
    """The slot cannot be booked: not free, in the past, or another request took it first."""

    def __init__(self, target: str = "slot", detail: str = "the slot is no longer free") -> None:
        super().__init__("SLOT_UNAVAILABLE", target, detail)


class NotSupported(WriteRefused):
    """The upstream does not offer this action (no service for it, or it stopped offering it)."""

    def __init__(self, target: str, detail: str) -> None:
        super().__init__("NOT_SUPPORTED", target, detail)
