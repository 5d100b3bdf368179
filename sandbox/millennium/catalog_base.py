"""Millennium's documented rules for individuals, entities and scheduling (`base/` pages)."""

from __future__ import annotations

from .params import ID, PROVENANCE, date, ref, string, token
from .rules import CountRule, DateRule, Param, SearchRules, Sort, TypeRules

__all__ = ["BASE_TYPES"]

_F = frozenset
_BIRTHDATE = DateRule(lower=_F({"ge"}), upper=_F({"le"}), time_once="forbidden", time_pair="forbidden")
# Appointment `date`: "once with a prefix and time component", or "twice with ge and lt"
_APPOINTMENT_DATE = DateRule(
    once=_F({"eq", "ge", "gt", "le", "lt"}), lower=_F({"ge"}), upper=_F({"lt"}), time_once="required"
)
_PATIENT_ANY = _F({"identifier", "name", "family", "given", "birthdate", "phone", "email", "address-postalcode"})
_LOCATION_NARROW = _F({"-physicalType", "identifier", "address", "address-state", "address-city", "address-postalcode"})

PATIENT = TypeRules(
    "Patient",
    _F({"read", "search-type"}),
    SearchRules(
        params=(
            ID,
            token("identifier"),
            string("name", exact=True),
            string("family", "name.family", exact=True),
            string("given", "name.given", exact=True),
            date("birthdate", "birthDate", rule=_BIRTHDATE),
            token("phone", "telecom"),
            token("email", "telecom"),
            string("address-postalcode", "address.postalCode"),
            token("gender"),
        ),
        required=(_F({"_id"}), *(_F({p}) for p in sorted(_PATIENT_ANY))),
        needs={"gender": _PATIENT_ANY},
        count=CountRule(default=20, maximum=200, ignored_with=_F({"_id", "identifier"})),
        revincludes=PROVENANCE,
        too_many=1000,
    ),
    profiles=("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient",),
    page="base/individuals/patient.md",
)

PRACTITIONER = TypeRules(
    "Practitioner",
    _F({"read", "search-type"}),
    SearchRules(
        params=(
            ID,
            token("identifier", system=True),
            string("given", "name.given"),
            string("family", "name.family"),
            string("name", min_length=2),
            token("active", codes=_F({"true", "false"})),
        ),
        required=(_F({"_id"}), _F({"identifier"}), _F({"family"}), _F({"name"}), _F({"active"})),
        needs={"given": _F({"family"})},
        count=CountRule(default=20, maximum=200, ignored_with=_F({"_id"})),
    ),
    profiles=("http://hl7.org/fhir/us/core/StructureDefinition/us-core-practitioner",),
    page="base/individuals/practitioner.md",
)

LOCATION = TypeRules(
    "Location",
    _F({"read", "search-type"}),
    SearchRules(
        params=(
            ID,
            token("-physicalType", "physicalType"),
            token("type"),
            token("identifier"),
            string("address"),
            string("address-city", "address.city"),
            string("address-state", "address.state"),
            string("address-postalcode", "address.postalCode"),
            string("name", "name", "alias"),
            ref("organization", ("managingOrganization",), "Organization"),
        ),
        required=(_F({"_id"}), _F({"-physicalType"}), _F({"type"})),
        needs={
            "address-city": _F({"address-state", "address-postalcode"}),
            "name": _LOCATION_NARROW,
            "organization": _LOCATION_NARROW,
        },
        count=CountRule(default=100, maximum=200),
    ),
    profiles=("http://hl7.org/fhir/us/core/StructureDefinition/us-core-location",),
    page="base/entities/location.md",
)

ORGANIZATION = TypeRules(
    "Organization",
    _F({"read", "search-type"}),
    SearchRules(
        params=(ID, token("identifier"), token("type"), string("name", "name", "alias"), string("address")),
        count=CountRule(default=100, maximum=200),
    ),
    profiles=("http://hl7.org/fhir/us/core/StructureDefinition/us-core-organization",),
    page="base/entities/organization.md",
)

APPOINTMENT = TypeRules(
    "Appointment",
    _F({"read", "search-type", "create", "patch"}),
    SearchRules(
        params=(
            ID,
            ref("patient", ("participant.actor",), "Patient", lists=True),
            ref("practitioner", ("participant.actor",), "Practitioner", lists=True),
            ref("location", ("participant.actor",), "Location", lists=True),
            date("date", "start", rule=_APPOINTMENT_DATE),
            date("-date-or-req-period", "start", "requestedPeriod", rule=_APPOINTMENT_DATE),
            token("status", lists=True),
        ),
        required=(_F({"_id"}), _F({"patient"}), _F({"practitioner"}), _F({"location"})),
        needs={p: _F({"date", "-date-or-req-period"}) for p in ("patient", "practitioner", "location")},
        exclusive=(_F({"patient", "practitioner", "location"}), _F({"date", "-date-or-req-period"})),
        count=CountRule(default=20, maximum=200, ignored_with=_F({"_id"})),
        sort=Sort(("start",), descending=False),
    ),
    page="base/workflow/appointment.md",
)

SLOT = TypeRules(
    "Slot",
    _F({"read", "search-type", "patch"}),
    SearchRules(
        params=(
            ID,
            Param("service-type", "token", ("serviceType",), lists=True, system=True),
            ref("schedule.actor", (), "Practitioner", lists=True),
            ref("-location", (), "Location", lists=True),
            date("start", "start", rule=DateRule(once=_F(), lower=_F({"ge"}), upper=_F({"lt"}), time_pair="required")),
        ),
        required=(_F({"_id"}), _F({"service-type"})),
        needs={p: _F({"start"}) for p in ("service-type", "-location", "schedule.actor")},
        count=CountRule(default=50, maximum=200, minimum=5),
        includes=_F({"Slot:schedule", "Schedule:actor:Practitioner"}),
        sort=Sort(("start",), descending=False, then=("serviceType", "extension")),
        fixed=(("status", "free"),),
    ),
    page="base/workflow/slot.md",
)

SCHEDULE = TypeRules(
    "Schedule",
    _F({"read", "search-type"}),
    SearchRules(params=(ID,), required=(_F({"_id"}),)),
    page="base/workflow/schedule.md",
)

BASE_TYPES = (PATIENT, PRACTITIONER, LOCATION, ORGANIZATION, APPOINTMENT, SLOT, SCHEDULE)
