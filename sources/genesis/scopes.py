"""The SMART scopes the GENESIS adapter asks for, named one by one from what it reads and writes.

Millennium grants no wildcard (content/authorization.md, Supported Scopes: "An application is
currently required to specifically request each scope that it needs"), so the scopes are derived
here, in one place, from the resource types the adapter touches.
"""

from __future__ import annotations

from .export import GENESIS_EXPORT
from .plans import MILLENNIUM_PLANS

__all__ = ["READ_SCOPES", "READ_TYPES", "WRITE_SCOPES", "WRITE_TYPES", "scopes"]

# Looked up beside the record kinds: patients by DoD ID, names of practitioners and facilities,
# a slot's Schedule (`_include=Slot:schedule` needs Schedule.read), a note's Binary.
LOOKUPS = ("Patient", "Practitioner", "Location", "Schedule", "Binary")
# Types Millennium does not offer at all get no scope (asking for one fails the whole token request).
NOT_OFFERED = frozenset({"Task", "MedicationDispense"})
# The mart's Bulk Data export needs a read scope for every type it exports (group-export.md:
# "system read scopes for all resources requested in the `_type` parameter"; no Group.read).
_EXPORTED = {*GENESIS_EXPORT.records, *GENESIS_EXPORT.places, *filter(None, [GENESIS_EXPORT.enrolment_type])}
READ_TYPES = tuple(
    sorted(
        ({plan.resource_type for plan in MILLENNIUM_PLANS.values()} | set(LOOKUPS) | _EXPORTED) - NOT_OFFERED
    )
)
# Appointment create (POST) and patch (cancel, reschedule): the slot follows the appointment.
WRITE_TYPES = ("Appointment",)


def scopes(types: tuple[str, ...], access: str) -> str:
    """`system/<Type>.<access>` for each type, space-separated."""
    return " ".join(f"system/{t}.{access}" for t in types)


READ_SCOPES = scopes(READ_TYPES, "read")
WRITE_SCOPES = scopes(WRITE_TYPES, "write")
