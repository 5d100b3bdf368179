"""Millennium-shaped resource ids (numeric, or prefixed as the docs' examples show) and minting them."""

from __future__ import annotations

from collections import Counter

from sandbox.fhir.store import ResourceStore

__all__ = ["IdMint", "numbered_id"]

# type -> (prefix, first number, suffix), after the ids in the docs' example JSON (lib/resources/example_json)
_SHAPES: dict[str, tuple[str, int, str]] = {
    "Patient": ("", 12724066, ""),
    "Practitioner": ("", 4122622, ""),
    "Location": ("", 21250409, ""),
    "Organization": ("", 675844, ""),
    "Appointment": ("", 4822366, ""),
    "MedicationRequest": ("", 313757847, ""),
    "DocumentReference": ("", 198381924, ""),
    "DiagnosticReport": ("", 196151517, ""),
    "Condition": ("p", 73077203, ""),
    "Observation": ("L-", 197392513, ""),
    "Communication": ("", 489580643, ".0.-4.prsnl"),
    "Questionnaire": ("SH-", 12508041, ""),
    "QuestionnaireResponse": ("SH-", 12519001, ""),
    "CareTeam": ("CARE-TEAM-", 119078440, ""),
    "Binary": ("TR-", 197198634, ""),
    "Schedule": ("", 24477854, "-0"),
    "Slot": ("", 4047611, "-0"),
}


def numbered_id(resource_type: str, n: int) -> str:
    """The `n`th id (from 0) of a type, e.g. `12724066` for the first Patient, `L-197392514` for
    the second Observation; types without a documented shape get a plain number."""
    prefix, first, suffix = _SHAPES.get(resource_type, ("", 1000000, ""))
    return f"{prefix}{first + n}{suffix}"


class IdMint:
    """Fresh Millennium-shaped ids for created resources, never one the store already holds."""

    _GAP = 500_000  # created ids start well past the seeded ones

    def __init__(self, store: ResourceStore) -> None:
        self._store = store
        self._next: Counter[str] = Counter()

    def new(self, resource_type: str) -> str:
        while True:
            n = self._GAP + self._next[resource_type]
            self._next[resource_type] += 1
            rid = numbered_id(resource_type, n)
            if self._store.get(resource_type, rid) is None:
                return rid
