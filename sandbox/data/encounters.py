"""Encounters: the visits that took place, one per fulfilled GENESIS appointment.

Millennium's bulk export offers Encounter but not Appointment, so the mart learns which service
a patient was seen in from these. Each carries the appointment's service category as its
`serviceType`, its period, location and practitioner, and points back at the appointment.
"""

from __future__ import annotations

from typing import Any

from .fhir import FhirStore, ref

__all__ = ["add_encounters"]

_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def add_encounters(store: FhirStore) -> None:
    """An Encounter for every fulfilled Appointment in `store`."""
    for appointment in [r for r in store.resources if r["resourceType"] == "Appointment"]:
        if appointment.get("status") == "fulfilled":
            store.add(_encounter(appointment))


def _encounter(appointment: dict[str, Any]) -> dict[str, Any]:
    actors = [p["actor"] for p in appointment.get("participant", []) if isinstance(p.get("actor"), dict)]
    of = {a["reference"].split("/", 1)[0]: a for a in actors if "/" in a.get("reference", "")}
    encounter: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": "enc-" + str(appointment["id"]).removeprefix("appt-"),
        "status": "finished",
        "class": {"system": _ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "subject": {"reference": of["Patient"]["reference"]},
        "appointment": [ref("Appointment", str(appointment["id"]))],
        "period": {"start": appointment["start"], "end": appointment.get("end", appointment["start"])},
    }
    if appointment.get("serviceCategory"):
        encounter["serviceType"] = appointment["serviceCategory"][0]
    if "Practitioner" in of:
        encounter["participant"] = [{"individual": {"reference": of["Practitioner"]["reference"]}}]
    if "Location" in of:
        location = {"reference": of["Location"]["reference"]}
        if of["Location"].get("display"):
            location["display"] = of["Location"]["display"]
        encounter["location"] = [{"location": location}]
    return encounter
