"""Which fields analysts may see as they are; every other leaf field is redacted for them."""

from __future__ import annotations

__all__ = ["PSEUDONYMIZED", "SAFE_FOR_ANALYSTS", "SEALED", "YEAR_ONLY"]

# Leaf fields (scalars and enums) that identify no one. A new field is redacted for analysts
# until it is added here on purpose.
SAFE_FOR_ANALYSTS: frozenset[str] = frozenset(
    {
        "SourceHealth.source",
        "SourceHealth.state",
        "SourceHealth.latencyMs",
        "SourceCoverage.source",
        "SourceCoverage.state",
        "SourceCoverage.message",
        "Patient.gender",
        "PageInfo.hasNextPage",
        "AppointmentConnection.totalCount",
        "ClinicalNoteConnection.totalCount",
        "LabResultConnection.totalCount",
        "PrescriptionConnection.totalCount",
        "MessageThreadConnection.totalCount",
        "SecureMessageConnection.totalCount",
        "Provenance.source",
        "Provenance.organization",
        "Provenance.retrievedAt",
        "Provenance.matchConfidence",
        "Provenance.alsoIn",
        "Coding.system",
        "Coding.code",
        "Coding.display",
        "Quantity.value",
        "Quantity.unit",
        "ReferenceRange.text",
        "Appointment.start",
        "Appointment.end",
        "Appointment.status",
        "Appointment.service",
        "Appointment.canCancel",
        "Appointment.canReschedule",
        "Facility.id",
        "Facility.name",
        "Facility.onGenesis",
        "Practitioner.role",
        "CareTeam.name",
        "Slot.start",
        "Slot.end",
        "Slot.service",
        "ClinicalNote.title",
        "ClinicalNote.authoredAt",
        "LabResult.display",
        "LabResult.valueString",
        "LabResult.interpretation",
        "LabResult.effectiveAt",
        "LabResult.status",
        "RenewalEligibility.eligible",
        "RenewalEligibility.reason",
        "RenewalRequest.status",
        "RenewalRequest.requestedAt",
        "Prescription.display",
        "Prescription.dosageInstructions",
        "Prescription.authoredOn",
        "Prescription.status",
        "Prescription.refillsAllowed",
        "Prescription.refillsRemaining",
        "Prescription.expiresOn",
        "Condition.display",
        "Condition.clinicalStatus",
        "Condition.onsetDate",
        "MessageThread.folder",
        "MessageThread.lastMessageAt",
        "MessageThread.canReply",
        "SecureMessage.sentAt",
        "SecureMessage.fromPatient",
        "QuestionnaireItem.linkId",
        "QuestionnaireItem.text",
        "QuestionnaireItem.type",
        "QuestionnaireItem.required",
        "QuestionnaireItem.options",
        "Questionnaire.title",
        "QuestionnaireAssignment.dueBy",
        "QuestionnaireAssignment.completedAt",
        "HealthTopic.id",
        "HealthTopic.title",
        "HealthTopic.summary",
        "HealthTopic.approvedBy",
        "HealthTopic.reviewedOn",
        "UserError.field",
        "UserError.code",
        "UserError.message",
    }
)

# Replaced by a keyed pseudonym: stable per patient, irreversible without the key.
PSEUDONYMIZED: frozenset[str] = frozenset({"Patient.dodId", "Patient.id"})

# Dates that keep only their year (as 1 January of that year).
YEAR_ONLY: frozenset[str] = frozenset({"Patient.birthDate"})

# Cursors hold source record ids: analysts get them encrypted (and hand them back as `after`).
SEALED: frozenset[str] = frozenset(
    {
        "PageInfo.endCursor",
        "AppointmentEdge.cursor",
        "ClinicalNoteEdge.cursor",
        "LabResultEdge.cursor",
        "PrescriptionEdge.cursor",
        "MessageThreadEdge.cursor",
        "SecureMessageEdge.cursor",
    }
)
