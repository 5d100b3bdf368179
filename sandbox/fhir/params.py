"""The search parameters each resource type supports, with the FHIR-defined element paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["RESULT_PARAMS", "SEARCH_PARAMS", "SearchParam", "params_for"]

Kind = Literal["token", "date", "reference", "string"]


@dataclass(frozen=True)
class SearchParam:
    """A search parameter: its type and the dotted element paths it reads (lists flatten)."""

    name: str
    kind: Kind
    paths: tuple[str, ...]
    targets: tuple[str, ...] = ()  # reference params: the resource types referenced


def _t(name: str, *paths: str) -> SearchParam:
    return SearchParam(name, "token", paths or (name,))


def _d(name: str, *paths: str) -> SearchParam:
    return SearchParam(name, "date", paths)


def _s(name: str, *paths: str) -> SearchParam:
    return SearchParam(name, "string", paths)


def _r(name: str, paths: tuple[str, ...], *targets: str) -> SearchParam:
    return SearchParam(name, "reference", paths, targets)


_PATIENT = ("Patient",)
_ANY: tuple[str, ...] = ()
_IDENTIFIER = _t("identifier")
_STATUS = _t("status")

_COMMON = (
    SearchParam("_id", "token", ("id",)),
    _d("_lastUpdated", "meta.lastUpdated"),
)

_BY_TYPE: dict[str, tuple[SearchParam, ...]] = {
    "Patient": (
        _IDENTIFIER,
        _s("name", "name"),
        _s("family", "name.family"),
        _s("given", "name.given"),
        _d("birthdate", "birthDate"),
        _t("gender"),
        _r("organization", ("managingOrganization",), "Organization"),
    ),
    "Appointment": (
        _r("patient", ("participant.actor",), *_PATIENT),
        _r("actor", ("participant.actor",), *_ANY),
        _r("practitioner", ("participant.actor",), "Practitioner"),
        _r("location", ("participant.actor",), "Location"),
        _d("date", "start"),
        _STATUS,
        _t("service-category", "serviceCategory"),
        _r("slot", ("slot",), "Slot"),
        _IDENTIFIER,
    ),
    "Encounter": (
        _r("patient", ("subject",), *_PATIENT),
        _r("subject", ("subject",), *_ANY),
        _d("date", "period"),
        _STATUS,
        _t("class"),
        _t("service-type", "serviceType"),
        _r("location", ("location.location",), "Location"),
        _r("appointment", ("appointment",), "Appointment"),
        _IDENTIFIER,
    ),
    "Slot": (
        _r("schedule", ("schedule",), "Schedule"),
        _d("start", "start"),
        _STATUS,
        _t("service-category", "serviceCategory"),
    ),
    "Schedule": (_r("actor", ("actor",), *_ANY), _d("date", "planningHorizon")),
    "Observation": (
        _r("patient", ("subject",), *_PATIENT),
        _r("subject", ("subject",), *_ANY),
        _t("category"),
        _t("code"),
        _d("date", "effectiveDateTime", "effectivePeriod", "effectiveInstant"),
        _STATUS,
        _IDENTIFIER,
        _r("performer", ("performer",), *_ANY),
    ),
    "DiagnosticReport": (
        _r("patient", ("subject",), *_PATIENT),
        _r("subject", ("subject",), *_ANY),
        _d("date", "effectiveDateTime", "effectivePeriod"),
        _t("category"),
        _t("code"),
        _STATUS,
        _IDENTIFIER,
        _r("result", ("result",), "Observation"),
    ),
    "DocumentReference": (
        _r("patient", ("subject",), *_PATIENT),
        _r("subject", ("subject",), *_ANY),
        _d("date", "date"),
        _STATUS,
        _t("type"),
        _t("identifier", "masterIdentifier", "identifier"),
        _r("author", ("author",), *_ANY),
    ),
    "MedicationRequest": (
        _r("patient", ("subject",), *_PATIENT),
        _r("subject", ("subject",), *_ANY),
        _STATUS,
        _d("authoredon", "authoredOn"),
        _IDENTIFIER,
        _r("requester", ("requester",), *_ANY),
    ),
    "MedicationDispense": (
        _r("patient", ("subject",), *_PATIENT),
        _r("prescription", ("authorizingPrescription",), "MedicationRequest"),
        _STATUS,
    ),
    "Condition": (
        _r("patient", ("subject",), *_PATIENT),
        _r("subject", ("subject",), *_ANY),
        _t("clinical-status", "clinicalStatus"),
        _t("verification-status", "verificationStatus"),
        _t("code"),
        _d("onset-date", "onsetDateTime", "onsetPeriod"),
        _t("category"),
    ),
    "Communication": (
        _r("patient", ("subject",), *_PATIENT),
        _r("subject", ("subject",), *_ANY),
        _r("part-of", ("partOf",), *_ANY),
        _d("sent", "sent"),
        _IDENTIFIER,
        _r("recipient", ("recipient",), *_ANY),
        _r("sender", ("sender",), *_ANY),
        _STATUS,
    ),
    "CareTeam": (
        _r("patient", ("subject",), *_PATIENT),
        _r("subject", ("subject",), *_ANY),
        _STATUS,
        _IDENTIFIER,
        _r("participant", ("participant.member",), *_ANY),
    ),
    "Task": (
        _r("patient", ("for",), *_PATIENT),
        _r("for", ("for",), *_ANY),
        _t("code"),
        _r("focus", ("focus",), *_ANY),
        _STATUS,
        _IDENTIFIER,
        _r("based-on", ("basedOn",), *_ANY),
        _r("owner", ("owner",), *_ANY),
        _r("requester", ("requester",), *_ANY),
        _d("authored-on", "authoredOn"),
    ),
    "Questionnaire": (_IDENTIFIER, _STATUS, _s("name", "name"), _s("title", "title")),
    "QuestionnaireResponse": (
        _r("patient", ("subject",), *_PATIENT),
        _r("subject", ("subject",), *_ANY),
        _r("questionnaire", ("questionnaire",), "Questionnaire"),
        _r("based-on", ("basedOn",), *_ANY),
        _IDENTIFIER,
        _STATUS,
        _d("authored", "authored"),
    ),
    "Practitioner": (_IDENTIFIER, _s("name", "name"), _s("family", "name.family")),
    "Location": (_IDENTIFIER, _s("name", "name", "alias")),
    "Organization": (_IDENTIFIER, _s("name", "name", "alias")),
    "Binary": (),
}

SEARCH_PARAMS: dict[str, dict[str, SearchParam]] = {
    rtype: {p.name: p for p in (*_COMMON, *params)} for rtype, params in _BY_TYPE.items()
}

# Parameters that shape the result rather than filter it.
RESULT_PARAMS = frozenset(
    {
        "_count", "_sort", "_total", "_summary", "_include", "_revinclude", "_elements",
        "_format", "_pretty", "_page",
    }
)  # fmt: skip


def params_for(resource_type: str) -> dict[str, SearchParam] | None:
    """The search parameters of a supported resource type, or None if it is not supported."""
    return SEARCH_PARAMS.get(resource_type)
