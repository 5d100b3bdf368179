"""How big each text and list input may be: the transport-level bounds, kept beside the schema.

Keys are `Type.field.argument` (then `.inputField`, `[]` for list items). A String or ID without
an entry may be at most DEFAULT_TEXT characters, a list at most DEFAULT_ITEMS items. An action's
own, lower limit (a reason's 500 characters, a message's 10,000) still answers a userError; these
bounds stop what no action could take, before anything runs (BAD_USER_INPUT naming the argument).
`tests/contract/test_input_bounds.py` checks that every key names an input the schema has.
"""

from __future__ import annotations

__all__ = ["DEFAULT_ITEMS", "DEFAULT_TEXT", "ITEMS", "TEXT"]

DEFAULT_TEXT = 1_000
DEFAULT_ITEMS = 100

_CURSOR = 2_048  # a signed (or, for analysts, sealed) cursor with one position per source

TEXT: dict[str, int] = {
    "MessageThread.messages.after": _CURSOR,
    "Patient.appointments.after": _CURSOR,
    "Patient.clinicalNotes.after": _CURSOR,
    "Patient.labResults.after": _CURSOR,
    "Patient.prescriptions.after": _CURSOR,
    "Patient.messageThreads.after": _CURSOR,
    "Patient.labResults.code": 64,
    "Query.patient.dodId": 32,
    "Query.node.id": 512,
    "Query.availableSlots.facilityId": 512,
    "Query.healthTopics.search": 200,
    "Query.healthTopics.system": 256,
    "Query.healthTopics.code": 64,
    "Mutation.bookAppointment.input.reason": 1_000,
    "Mutation.cancelAppointment.input.reason": 1_000,
    "Mutation.requestPrescriptionRenewal.input.note": 4_000,
    "Mutation.sendSecureMessage.input.subject": 400,
    "Mutation.sendSecureMessage.input.body": 20_000,
    "Mutation.submitQuestionnaireResponse.input.answers[].linkId": 128,
    "Mutation.submitQuestionnaireResponse.input.answers[].valueString": 10_000,
}
for _mutation in ("bookAppointment", "cancelAppointment", "rescheduleAppointment", "requestPrescriptionRenewal",
                  "sendSecureMessage", "submitQuestionnaireResponse"):
    TEXT[f"Mutation.{_mutation}.input.idempotencyKey"] = 400

ITEMS: dict[str, int] = {
    "Patient.appointments.status": 16,
    "Mutation.submitQuestionnaireResponse.input.answers": 500,
}
