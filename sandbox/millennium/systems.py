"""Millennium's identifier and code systems: the tenant's proprietary code sets, its extensions.

Facts from `content/millennium/r4/proprietary-codes-and-systems.md`: a proprietary code's system
is `https://fhir.cerner.com/<EHR source id>/codeSet/<code set>`, its code a numeric string,
`userSelected` true. The tenant id and the code values are the sandbox's own (every client's
differ).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CLINICAL_EVENT_SYSTEM",
    "EMAIL_STATUS_SYSTEM",
    "EXTENSION_BASE",
    "SCHEDULING_LOCATION",
    "SNOMED",
    "TENANT",
    "code_set",
    "extension_url",
    "is_proprietary",
    "service_type",
]

TENANT = "5b1c6e2a-9d47-4f8e-a3b0-7c2d1e6f4a90"  # the sandbox's EHR source id
EXTENSION_BASE = "https://fhir-ehr.cerner.com/r4/StructureDefinition/"
SNOMED = "http://snomed.info/sct"
# A result's identifier: the clinical event's UUID (lib/resources/example_json/r4_examples_observation.rb,
# `CE<uuid>-<event id>-<yyyymmddhhmmss00>`). Lab Observations carry no accession number.
CLINICAL_EVENT_SYSTEM = "https://fhir.cerner.com/ceuuid"
EMAIL_STATUS_SYSTEM = "http://hl7.org/fhir/task-status"
SCHEDULING_APPOINTMENT_TYPES = 14249

# service -> (code set 14249 code value, display, SNOMED practice setting code, display)
_SERVICE_TYPES = {
    "PRIMARY_CARE": ("2572307911", "Primary Care Follow Up", "394814009", "General practice (specialty)"),
    "DENTAL": ("2572307913", "Dental Exam", "394812008", "Dental medicine specialties"),
    "SPECIALTY": ("2572307915", "Specialty Consult", "394658006", "Clinical specialty"),
}


def code_set(number: int) -> str:
    """The system URL of one of this tenant's Millennium code sets."""
    return f"https://fhir.cerner.com/{TENANT}/codeSet/{number}"


def extension_url(name: str) -> str:
    """A Millennium custom extension's URL, e.g. `scheduling-location`."""
    return EXTENSION_BASE + name


SCHEDULING_LOCATION = extension_url("scheduling-location")


def is_proprietary(system: str) -> bool:
    """Whether a coding system is a Millennium code set (of any tenant or region)."""
    return system.startswith("https://fhir.") and "cerner.com/" in system and "/codeSet/" in system


def service_type(service: str) -> list[dict[str, Any]]:
    """`serviceType` of a slot, schedule or appointment: the code set 14249 appointment type
    (userSelected) and the standard practice-setting code, as Millennium answers them."""
    code, display, snomed, snomed_display = _SERVICE_TYPES[service]
    return [
        {
            "coding": [
                {"system": code_set(SCHEDULING_APPOINTMENT_TYPES), "code": code, "display": display,
                 "userSelected": True},
                {"system": SNOMED, "code": snomed, "display": snomed_display, "userSelected": False},
            ],
            "text": display,
        }
    ]  # fmt: skip
