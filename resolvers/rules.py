"""Business rules: renewal eligibility, and which appointments a patient may change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sources.records import (
    AppointmentRecord,
    AppointmentStatus,
    PrescriptionRecord,
    RenewalRequestRecord,
    RenewalStatus,
)

__all__ = ["Eligibility", "can_change_appointment", "renewal_eligibility"]

OPEN_RENEWAL = frozenset({RenewalStatus.REQUESTED, RenewalStatus.IN_REVIEW})


@dataclass(frozen=True, slots=True)
class Eligibility:
    eligible: bool
    reason: str


def renewal_eligibility(
    rx: PrescriptionRecord, pending: RenewalRequestRecord | None, today: dt.date, *, writable: bool
) -> Eligibility:
    """Renewals: only where writes go (GENESIS; `writable`), active or completed, no refills left
    or expired, none pending. NOT_GENESIS is the contract's reason for "not where writes go"."""
    if not writable:
        return Eligibility(False, "NOT_GENESIS")
    if rx.status not in ("active", "completed"):
        return Eligibility(False, "INACTIVE")
    if pending is not None and pending.status in OPEN_RENEWAL:
        return Eligibility(False, "RENEWAL_PENDING")
    if rx.expires_on is not None and rx.expires_on < today:
        return Eligibility(True, "EXPIRED")
    if rx.refills_remaining is not None and rx.refills_remaining <= 0:
        return Eligibility(True, "NO_REFILLS_LEFT")
    return Eligibility(False, "HAS_REFILLS")


def can_change_appointment(appt: AppointmentRecord, now: dt.datetime, *, writable: bool) -> bool:
    """Only future, booked appointments where writes go (GENESIS; `writable`) may be changed."""
    return writable and appt.status is AppointmentStatus.BOOKED and appt.start > now
