"""Reading FHIR datatypes: references, instants, dates, codings, names, service categories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ..records import CareService, Coding, HumanName

__all__ = [
    "SERVICE_CATEGORY",
    "SERVICE_CODES",
    "SERVICE_TYPE_CODES",
    "SNOMED",
    "codings",
    "day",
    "fhir_date",
    "fhir_instant",
    "first_name",
    "instant",
    "ref_id",
    "ref_type",
    "service_in",
    "service_of",
]

SERVICE_CATEGORY = "http://terminology.hl7.org/CodeSystem/service-category"
SERVICE_CODES: dict[CareService, str] = {
    CareService.PRIMARY_CARE: "17",
    CareService.DENTAL: "10",
    CareService.SPECIALTY: "27",
}
_SERVICE_BY_CODE = {code: service for service, code in SERVICE_CODES.items()}
SNOMED = "http://snomed.info/sct"
# The standard practice-setting codes Millennium puts in `serviceType` beside its code set 14249
# appointment type (base/workflow/slot.md, Terminology Bindings).
SERVICE_TYPE_CODES: dict[CareService, str] = {
    CareService.PRIMARY_CARE: "394814009",
    CareService.DENTAL: "394812008",
    CareService.SPECIALTY: "394658006",
}
_SERVICE_BY_TYPE = {code: service for service, code in SERVICE_TYPE_CODES.items()}


def ref_type(reference: Any) -> str | None:
    """`Patient` for a Reference to `Patient/123` (absolute URLs too)."""
    text = reference.get("reference") if isinstance(reference, Mapping) else None
    if not isinstance(text, str) or "/" not in text:
        return None
    return text.split("/_history", 1)[0].rstrip("/").split("/")[-2]


def ref_id(reference: Any, resource_type: str | None = None) -> str | None:
    """The id a Reference points at (only if it points at `resource_type`, when given)."""
    text = reference.get("reference") if isinstance(reference, Mapping) else None
    if not isinstance(text, str) or "/" not in text:
        return None
    parts = text.split("/_history", 1)[0].rstrip("/").split("/")
    if resource_type is not None and parts[-2] != resource_type:
        return None
    return parts[-1] or None


def instant(text: Any) -> dt.datetime | None:
    """A FHIR dateTime/instant with the offset the source gave; date-only or no offset: UTC."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            value = dt.datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def day(text: Any) -> dt.date | None:
    """A FHIR date (or the date part of a dateTime)."""
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def fhir_instant(value: dt.datetime) -> str:
    """A search value for an instant, at second precision, keeping its offset."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat(timespec="seconds")


def fhir_date(value: dt.date) -> str:
    return value.isoformat()


def codings(concept: Any) -> tuple[Coding, ...]:
    """Every coding of a CodeableConcept that has a system and a code."""
    if not isinstance(concept, Mapping):
        return ()
    out = []
    for c in concept.get("coding") or ():
        if isinstance(c, Mapping) and c.get("system") and c.get("code"):
            display = c.get("display")
            out.append(Coding(str(c["system"]), str(c["code"]), display and str(display)))
    return tuple(out)


def first_name(names: Any) -> HumanName:
    """The first HumanName (the `official` one if marked) as a record name."""
    candidates = [n for n in names or () if isinstance(n, Mapping)]
    official = [n for n in candidates if n.get("use") == "official"]
    chosen = (official or candidates or [{}])[0]
    given = tuple(str(g) for g in chosen.get("given") or ())
    family = str(chosen.get("family") or "")
    if not given and not family and chosen.get("text"):
        return HumanName((), str(chosen["text"]))
    return HumanName(given, family)


def service_in(resource: Mapping[str, Any]) -> CareService:
    """The CareService of a Slot, Schedule or Appointment: its `serviceCategory`, else the
    standard practice-setting code of its `serviceType` (as Millennium answers it)."""
    found = service_of(resource.get("serviceCategory") or ())
    if found is not CareService.OTHER:
        return found
    for concept in resource.get("serviceType") or ():
        for coding in codings(concept):
            if coding.system == SNOMED and coding.code in _SERVICE_BY_TYPE:
                return _SERVICE_BY_TYPE[coding.code]
    return CareService.OTHER


def service_of(categories: Iterable[Any]) -> CareService:
    """The CareService a serviceCategory list names (General Practice, Dental, Specialist)."""
    for concept in categories or ():
        for coding in codings(concept):
            if coding.system == SERVICE_CATEGORY and coding.code in _SERVICE_BY_CODE:
                return _SERVICE_BY_CODE[coding.code]
    return CareService.OTHER
