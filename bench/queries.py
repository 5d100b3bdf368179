"""The GraphQL documents the benchmark sends."""

from __future__ import annotations

__all__ = ["FULL_RECORD", "LABS_PAGE", "PER_PATIENT", "aliased"]

# P1's whole record: every read field of the contract's Patient.
FULL_RECORD = """{ me { id dodId name { text given family } birthDate gender phone email
  sourceCoverage { source state message }
  primaryCareTeam { id name facility { id name onGenesis } members { id name { text } role } }
  appointments(first: 50) { totalCount edges { node { id start end status service description canCancel
    canReschedule provenance { source sourceId organization alsoIn } facility { name } practitioner { name { text } }
    questionnaire { id dueBy questionnaire { title } } } } }
  clinicalNotes(first: 20) { totalCount edges { node { id title authoredAt text type { code } author { name { text } }
    provenance { source } } } }
  labResults(first: 50) { totalCount edges { node { id display effectiveAt status interpretation
    valueQuantity { value unit } valueString referenceRange { text } code { system code }
    provenance { source alsoIn matchConfidence } healthTopics { title } } } }
  prescriptions(first: 20) { totalCount edges { node { id display status refillsAllowed refillsRemaining expiresOn
    renewal { eligible reason } pendingRenewal { id status } provenance { source } healthTopics { title } } } }
  conditions { id display clinicalStatus onsetDate code { system code } healthTopics { title approvedBy } }
  messageThreads(first: 20) { totalCount edges { node { id subject folder lastMessageAt canReply
    messages(first: 10) { totalCount edges { node { id sentAt sender fromPatient body } } } } } }
  questionnaires(pendingOnly: false) { id dueBy completedAt questionnaire { title items { linkId } } }
} }"""

LABS_PAGE = """query($after: String) { me { labResults(first: 40, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id display effectiveAt provenance { source } } } } } }"""

PER_PATIENT = """labResults(first: 5) { edges { node { display } } }
  appointments(first: 5) { edges { node { start } } }
  clinicalNotes(first: 5) { edges { node { title } } }
  prescriptions(first: 5) { edges { node { display } } }
  conditions { display }
  messageThreads(first: 5) { edges { node { subject } } }"""


def aliased(dod_ids: list[str]) -> str:
    """One request reading the same fields of every patient in `dod_ids`, by alias."""
    parts = (f'p{i}: patient(dodId: "{d}") {{ {PER_PATIENT} }}' for i, d in enumerate(dod_ids))
    return "{ " + " ".join(parts) + " }"
