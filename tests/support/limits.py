"""Rate limits for the suite's shared stacks: the suite sends far more than a person would (the
limits themselves are tested with small budgets of their own)."""

from __future__ import annotations

__all__ = ["GENEROUS_LIMITS"]

GENEROUS_LIMITS = {
    **{f"MHS_GATEWAY_RATE_LIMIT_{who}_{kind}": "100000/minute"
       for who in ("PATIENT", "CLINICIAN", "ANALYST", "ADDRESS") for kind in ("READS", "WRITES")},
    "MHS_GATEWAY_BOOKINGS_PER_DAY": "1000",
}
