"""Schedules and bookable slots for the next 30 days at each GENESIS facility."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sandbox.millennium.systems import SCHEDULING_LOCATION, service_type

from .clock import at, fhir_instant
from .fhir import FhirStore, ref, service_category
from .places import Facility, Staff

__all__ = ["DAYS_AHEAD", "SlotBook"]

DAYS_AHEAD = 30
# (hour, minute) starts and the slot length in minutes, per service
_TIMES = {
    "PRIMARY_CARE": (((8, 0), (9, 0), (10, 0), (11, 0), (13, 0), (14, 0), (15, 0)), 30),
    "DENTAL": (((8, 30), (10, 0), (13, 30), (15, 0)), 60),
}
_BUSY_SHARE = 0.25


class SlotBook:
    """The slots written to the GENESIS store, so appointments can be booked onto free ones."""

    def __init__(self, store: FhirStore) -> None:
        self._store = store
        self._slots: dict[tuple[str, str, str], list[dict[str, Any]]] = {}

    def add_schedules(self, rng: random.Random, facility: Facility, today: dt.date) -> None:
        """A PRIMARY_CARE and a DENTAL schedule at `facility`, weekday slots, about 1 in 4 busy."""
        for service, staff in (("PRIMARY_CARE", facility.pcm), ("DENTAL", facility.dentist)):
            schedule_id = f"sched-{facility.id.removeprefix('loc-')}-{service.lower().replace('_', '-')}"
            self._store.add(
                {
                    "resourceType": "Schedule",
                    "id": schedule_id,
                    "active": True,
                    "serviceCategory": service_category(service),
                    "serviceType": service_type(service),
                    "actor": [
                        ref("Practitioner", staff.id, staff.display),
                        ref("Location", facility.id, facility.name),
                    ],
                    "planningHorizon": {
                        "start": today.isoformat(),
                        "end": (today + dt.timedelta(days=DAYS_AHEAD)).isoformat(),
                    },
                }
            )
            starts, minutes = _TIMES[service]
            slots = self._slots.setdefault((facility.id, service, staff.id), [])
            place = ref("Location", facility.id, facility.name)
            for offset in range(1, DAYS_AHEAD + 1):
                day = today + dt.timedelta(days=offset)
                if day.weekday() >= 5:
                    continue
                for hour, minute in starts:
                    start = at(day, hour, minute, facility.tz)
                    slot = {
                        "resourceType": "Slot",
                        "id": self._store.new_id("slot"),
                        "extension": [{"url": SCHEDULING_LOCATION, "valueReference": place}],
                        "schedule": ref("Schedule", schedule_id),
                        "serviceCategory": service_category(service),
                        "serviceType": service_type(service),
                        "status": "busy" if rng.random() < _BUSY_SHARE else "free",
                        "start": fhir_instant(start),
                        "end": fhir_instant(start + dt.timedelta(minutes=minutes)),
                    }
                    slots.append(self._store.add(slot))

    def book(
        self, facility: Facility, service: str, staff: Staff, today: dt.date, days_ahead: int
    ) -> tuple[str, dt.datetime, int]:
        """Mark the first free slot at least `days_ahead` days out busy; (id, start, minutes)."""
        first_day = (today + dt.timedelta(days=days_ahead)).isoformat()
        for slot in self._slots[(facility.id, service, staff.id)]:
            if slot["status"] == "free" and slot["start"][:10] >= first_day:
                slot["status"] = "busy"
                start = dt.datetime.fromisoformat(slot["start"]).astimezone(facility.tz)
                end = dt.datetime.fromisoformat(slot["end"])
                return slot["id"], start, int((end - start).total_seconds() // 60)
        raise LookupError(f"no free {service} slot at {facility.id} from {first_day}")
