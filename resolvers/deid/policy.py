"""What analysts see of every leaf field: the one de-identification table.

The live view (`schema/extensions/deidentify.py`) applies it to every answer an analyst gets,
field by field; the mart's ingest (`gateway/mart/columns.py`) declares each column it writes as
one of these fields and stores it as the table says. A field missing here is removed, so a new
field stays hidden from analysts until someone classifies it on purpose.

Safe Harbor (45 CFR 164.514(b)(2)) removes names, every element of a date except the year, ages
over 89, contact details and any other unique identifying number; free text may carry any of
them, so it is removed too, unless it is the display of a code from a code system.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["POLICY", "REMOVED", "Rule", "Treatment", "rule_of"]


class Treatment(StrEnum):
    """What happens to one field's value in an analyst's answer (and in the mart)."""

    KEEP = "keep"  # codes, enumerations, numbers, flags: they identify no one
    CODED = "coded"  # the display a code system gives a code: not written about anyone
    DISPLAY = "display"  # a record's name for its code: replaced by that code's coded display
    PLACE = "place"  # a treatment facility or practice: where care is given, not who got it
    PUBLIC = "public"  # provider-approved library and form text: nobody's record
    GATEWAY = "gateway"  # a message the gateway itself writes (coverage, refusals)
    DATE = "date"  # a date or time: its year (or, for projects configured so, shifted)
    BIRTH_DATE = "birth-date"  # the year, and nothing for anyone who may be over 89
    PSEUDONYM = "pseudonym"  # the project's keyed pseudonym of the person
    PATIENT_ID = "patient-id"  # the project's sealed id of the person (node(id:) opens it)
    CURSOR = "cursor"  # sealed: it holds source record ids
    PROJECT = "project"  # made for the analyst's project: suppressed counts, its own ids and pseudonyms
    REMOVE = "remove"  # names, contact details, identifiers, free text


@dataclass(frozen=True, slots=True)
class Rule:
    treatment: Treatment
    code_field: str | None = None  # DISPLAY: the field holding the record's Coding


REMOVED = Rule(Treatment.REMOVE)
_K, _C, _P, _PUB, _G, _D = (Rule(t) for t in (Treatment.KEEP, Treatment.CODED, Treatment.PLACE,
                                               Treatment.PUBLIC, Treatment.GATEWAY, Treatment.DATE))
_CUR = Rule(Treatment.CURSOR)


def _same(rule: Rule, *names: str) -> dict[str, Rule]:
    return dict.fromkeys(names, rule)


POLICY: dict[str, Rule] = {
    # the patient
    "Patient.id": Rule(Treatment.PATIENT_ID),
    "Patient.dodId": Rule(Treatment.PSEUDONYM),
    "Patient.birthDate": Rule(Treatment.BIRTH_DATE),
    "Patient.ageBand": _K,
    "Patient.gender": _K,
    **_same(REMOVED, "Patient.phone", "Patient.email", "HumanName.given", "HumanName.family", "HumanName.text"),
    # where a record came from
    **_same(_K, "Provenance.source", "Provenance.matchConfidence", "Provenance.alsoIn"),
    "Provenance.sourceId": REMOVED,
    "Provenance.organization": _P,
    "Provenance.retrievedAt": _D,
    **_same(_K, "SourceCoverage.source", "SourceCoverage.state", "SourceHealth.source", "SourceHealth.state",
            "SourceHealth.latencyMs", "Capability.feature", "Capability.available", "Capability.reason"),
    "SourceCoverage.message": _G,
    # codes and values
    **_same(_K, "Coding.system", "Coding.code", "Quantity.value", "Quantity.unit"),
    "Coding.display": _C,
    "ReferenceRange.text": REMOVED,
    # paging
    **_same(_K, "PageInfo.hasNextPage", *(f"{k}Connection.totalCount" for k in (
        "Appointment", "ClinicalNote", "LabResult", "Prescription", "MessageThread", "SecureMessage"))),
    **_same(_CUR, "PageInfo.endCursor", *(f"{k}Edge.cursor" for k in (
        "Appointment", "ClinicalNote", "LabResult", "Prescription", "MessageThread", "SecureMessage"))),
    # visits
    **_same(_K, "Appointment.status", "Appointment.service", "Appointment.canCancel", "Appointment.canReschedule"),
    **_same(_D, "Appointment.start", "Appointment.end"),
    **_same(REMOVED, "Appointment.id", "Appointment.description"),
    **_same(REMOVED, "Slot.id"),
    **_same(_D, "Slot.start", "Slot.end"),
    "Slot.service": _K,
    **_same(_P, "Facility.id", "Facility.name"),
    "Facility.onGenesis": _K,
    **_same(REMOVED, "Practitioner.id", "Practitioner.role", "CareTeam.id", "CareTeam.name"),
    # notes, labs, prescriptions, conditions
    **_same(REMOVED, "ClinicalNote.id", "ClinicalNote.title", "ClinicalNote.text"),
    # a note's document: free text; analysts are refused the download itself (resolvers/documents.py)
    **_same(REMOVED, "NoteAttachment.contentType", "NoteAttachment.size", "NoteAttachment.url"),
    "ClinicalNote.authoredAt": _D,
    **_same(REMOVED, "LabResult.id", "LabResult.valueString"),
    "LabResult.display": Rule(Treatment.DISPLAY, "code"),
    **_same(_K, "LabResult.interpretation", "LabResult.status"),
    "LabResult.effectiveAt": _D,
    **_same(REMOVED, "Prescription.id", "Prescription.dosageInstructions"),
    "Prescription.display": Rule(Treatment.DISPLAY, "medication"),
    **_same(_K, "Prescription.status", "Prescription.refillsAllowed", "Prescription.refillsRemaining"),
    **_same(_D, "Prescription.authoredOn", "Prescription.expiresOn"),
    **_same(_K, "RenewalEligibility.eligible", "RenewalEligibility.reason", "RenewalRequest.status"),
    **_same(REMOVED, "RenewalRequest.id", "RenewalRequest.note"),
    "RenewalRequest.requestedAt": _D,
    "Condition.id": REMOVED,
    "Condition.display": Rule(Treatment.DISPLAY, "code"),
    "Condition.clinicalStatus": _K,
    "Condition.onsetDate": _D,
    # secure messages
    **_same(REMOVED, "MessageThread.id", "MessageThread.subject", "SecureMessage.id", "SecureMessage.sender",
            "SecureMessage.body"),
    **_same(_K, "MessageThread.folder", "MessageThread.canReply", "SecureMessage.fromPatient"),
    **_same(_D, "MessageThread.lastMessageAt", "SecureMessage.sentAt"),
    # questionnaires: the form is public, the patient's assignment is not
    **_same(_PUB, "Questionnaire.id", "Questionnaire.title", "QuestionnaireItem.linkId", "QuestionnaireItem.text",
            "QuestionnaireItem.type", "QuestionnaireItem.required", "QuestionnaireItem.options"),
    "QuestionnaireAssignment.id": REMOVED,
    **_same(_D, "QuestionnaireAssignment.dueBy", "QuestionnaireAssignment.completedAt"),
    # the health library
    **_same(_PUB, "HealthTopic.id", "HealthTopic.title", "HealthTopic.summary", "HealthTopic.approvedBy"),
    "HealthTopic.reviewedOn": _D,
    # cohorts: built for the project by resolvers/cohorts.py (counts suppressed below the threshold)
    **_same(Rule(Treatment.PROJECT), "Cohort.threshold", "Cohort.by", "CohortCount.count", "CohortCount.suppressed",
            "CohortCell.service", "CohortCell.ageBand", "CohortCell.sex", "CohortCell.count", "CohortCell.suppressed",
            "CohortPatient.id", "CohortPatient.pseudonym",
            "MartFreshness.builtSecondsAgo", "MartSourceFreshness.source", "MartSourceFreshness.dataSecondsAgo"),
    # refusals
    **_same(_G, "UserError.field", "UserError.code", "UserError.message"),
}


def rule_of(field: str) -> Rule:
    """The rule for `Type.field`; REMOVED for a field nobody has classified."""
    return POLICY.get(field, REMOVED)
