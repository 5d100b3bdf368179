"""What a slot brings to the appointment booked on it, and taking or releasing the slot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sandbox.fhir.paths import reference_key
from sandbox.fhir.store import ResourceStore

from .systems import SCHEDULING_LOCATION
from .versions import save

__all__ = ["SlotDetails", "book_slot", "release_slot", "slot_details"]

Resource = dict[str, Any]


@dataclass(frozen=True)
class SlotDetails:
    """ "`Appointment.slot[0].reference` specifies an availability in the Scheduling system, which
    indicates details such as practitioner, location, and time" (appointment.md, Create)."""

    start: str
    end: str
    service_type: list[Any]
    practitioner: Resource | None
    location: Resource | None

    def fields(self) -> Resource:
        minutes = (dt.datetime.fromisoformat(self.end) - dt.datetime.fromisoformat(self.start)).total_seconds() // 60
        out: Resource = {"start": self.start, "end": self.end, "minutesDuration": int(minutes)}
        if self.service_type:
            out["serviceType"] = self.service_type
        return out

    def participants(self, patient_id: str) -> list[Resource]:
        actors = [{"reference": f"Patient/{patient_id}"}, self.practitioner, self.location]
        return [{"actor": a, "required": "required", "status": "accepted"} for a in actors if a is not None]


def slot_details(store: ResourceStore, slot: Resource) -> SlotDetails:
    """Time, appointment type, practitioner (the schedule's) and location (the slot's)."""
    key = reference_key(slot.get("schedule"))
    schedule = store.get(*key) if key is not None else None
    actors = (schedule or {}).get("actor") or []
    practitioner = next((a for a in actors if (reference_key(a) or ("",))[0] == "Practitioner"), None)
    place = next((e.get("valueReference") for e in slot.get("extension") or () if e.get("url") == SCHEDULING_LOCATION),
                 None) or next((a for a in actors if (reference_key(a) or ("",))[0] == "Location"), None)  # fmt: skip
    return SlotDetails(str(slot["start"]), str(slot["end"]), list(slot.get("serviceType") or []), practitioner, place)


def book_slot(store: ResourceStore, slot: Resource) -> Resource:
    """The slot taken by an appointment: `busy`."""
    return save(store, {**slot, "status": "busy"})


def release_slot(store: ResourceStore, slot_id: str | None) -> None:
    """The slot of a cancelled or moved appointment: `free` again."""
    slot = store.get("Slot", slot_id) if slot_id else None
    if slot is not None and slot.get("status") != "free":
        save(store, {**slot, "status": "free"})
