"""The demo's example operations, opened as GraphiQL's default tabs (contract field names)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EXAMPLES", "Example"]


@dataclass(frozen=True, slots=True)
class Example:
    """One GraphiQL tab; `{{today}}` / `{{today+N}}` in the variables become dates when the page loads."""

    title: str
    query: str
    variables: str = ""
    persona: str = "P1"  # whose token the tab is for (the page does not pick it: paste it in Headers)


_ME = """# Signed in as a patient: who am I, and which sources answered?
query Me {
  me {
    dodId
    name { text }
    birthDate
    primaryCareTeam { name facility { name onGenesis } }
    sourceCoverage { source state message }
  }
}
"""

_LABS = """# One page of a patient's lab results, newest first, from every source.
query Labs($dodId: String!, $first: Int = 20, $after: String) {
  patient(dodId: $dodId) {
    labResults(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          display
          effectiveAt
          valueQuantity { value unit }
          interpretation
          provenance { source organization alsoIn matchConfidence }
        }
      }
    }
    sourceCoverage { source state }
  }
}
"""

_APPOINTMENTS = """# Upcoming appointments and the slots open for booking.
query Appointments($from: DateTime!, $to: DateTime!) {
  me {
    appointments(first: 10, from: $from, status: [BOOKED]) {
      edges {
        node {
          start
          service
          status
          facility { name }
          canCancel
          canReschedule
          questionnaire { dueBy questionnaire { title } }
        }
      }
    }
  }
  availableSlots(service: PRIMARY_CARE, from: $from, to: $to) {
    id
    start
    facility { name }
  }
}
"""

_PRESCRIPTIONS = """# Prescriptions, whether each can be renewed, then a renewal request.
query Prescriptions {
  me {
    prescriptions(first: 20) {
      edges {
        node {
          id
          display
          status
          refillsRemaining
          expiresOn
          renewal { eligible reason }
          pendingRenewal { status requestedAt }
          provenance { source }
        }
      }
    }
  }
}

mutation RequestRenewal($prescriptionId: ID!, $key: String!) {
  requestPrescriptionRenewal(
    input: { prescriptionId: $prescriptionId, idempotencyKey: $key }
  ) {
    renewalRequest { status requestedAt }
    userErrors { code message }
  }
}
"""

_MESSAGES = """# Secure message threads (TOL archive threads are read-only) and their messages.
query MessageThreads {
  me {
    messageThreads(first: 10) {
      edges {
        node {
          subject
          folder
          lastMessageAt
          canReply
          provenance { source }
          messages(first: 5) {
            edges { node { sentAt sender fromPatient body } }
          }
        }
      }
    }
  }
}
"""

_COHORT = """# As the analyst A1: patients with a hemoglobin A1c above range, by home facility and age band,
# counted in the de-identified mart (a count below the threshold comes back suppressed).
query HighA1c {
  cohort(
    criteria: { labs: [{ code: "4548-4", interpretations: [HIGH, CRITICAL_HIGH] }] }
    by: [FACILITY, AGE_BAND]
  ) {
    threshold
    total { count suppressed }
    cells { facility { name } ageBand count suppressed }
    freshness { builtSecondsAgo sources { source dataSecondsAgo } }
    patients(first: 5) { patients { id pseudonym } pageInfo { hasNextPage endCursor } }
  }
}

# Then open one member by the id the cohort handed out: de-identified, years only.
query Member($id: ID!) {
  node(id: $id) {
    ... on Patient {
      dodId
      birthDate
      ageBand
      gender
      conditions { code { code display } display onsetDate }
      labResults(first: 5) { edges { node { display interpretation effectiveAt } } }
    }
  }
}
"""

EXAMPLES: tuple[Example, ...] = (
    Example("Me", _ME),
    Example("Lab results", _LABS, '{"dodId": "1000000001", "first": 20}'),
    Example(
        "Appointments",
        _APPOINTMENTS,
        '{"from": "{{today}}", "to": "{{today+30}}"}',
    ),
    Example("Prescriptions", _PRESCRIPTIONS, '{"prescriptionId": "", "key": "renewal-1"}'),
    Example("Messages", _MESSAGES),
    Example("Analyst cohort", _COHORT, '{"id": ""}', persona="A1"),
)
