"""What a patient asks a writable source to do, and what a message write answers.

Every command carries `request_key`: derived from the caller, the operation and the idempotency key,
so a rerun after a lost answer can find (and finish) what the first attempt wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..records import MessageRecord, MessageThreadRecord, QuestionnaireItemRecord, QuestionnaireItemType

__all__ = [
    "ANSWER_FIELD",
    "AnswerValue",
    "Booking",
    "Cancellation",
    "NewThread",
    "RenewalAsk",
    "Reply",
    "Rescheduling",
    "Sent",
    "Submission",
]

AnswerValue = bool | str | int | float | dt.date

# Which answer field answers which item type (the names are FHIR's QuestionnaireResponse.answer value[x],
# and the GraphQL input's): the same for checking answers and for writing them.
ANSWER_FIELD: Mapping[QuestionnaireItemType, str] = {
    QuestionnaireItemType.BOOLEAN: "valueBoolean",
    QuestionnaireItemType.STRING: "valueString",
    QuestionnaireItemType.TEXT: "valueString",
    QuestionnaireItemType.INTEGER: "valueInteger",
    QuestionnaireItemType.DECIMAL: "valueDecimal",
    QuestionnaireItemType.DATE: "valueDate",
    QuestionnaireItemType.CHOICE: "valueString",
}


@dataclass(frozen=True, slots=True)
class Booking:
    """Book one free slot for the patient."""

    request_key: str
    patient_id: str  # the writable source's own patient id
    slot_id: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class Cancellation:
    """Cancel one of the patient's future booked appointments (its slot is freed)."""

    request_key: str
    patient_id: str
    appointment_id: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class Rescheduling:
    """Move one of the patient's appointments to another free slot of the same service."""

    request_key: str
    patient_id: str
    appointment_id: str
    new_slot_id: str


@dataclass(frozen=True, slots=True)
class RenewalAsk:
    """Ask the prescriber to renew one prescription."""

    request_key: str
    patient_id: str
    prescription_id: str
    prescriber_id: str | None
    note: str | None
    authored_at: dt.datetime


@dataclass(frozen=True, slots=True)
class NewThread:
    """A new thread from the patient to their care team."""

    request_key: str
    patient_id: str
    patient_display: str | None
    care_team_id: str
    care_team_name: str | None
    subject: str
    body: str
    sent_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply from the patient in one of their threads (`thread_id` is the thread's id)."""

    request_key: str
    patient_id: str
    thread_id: str
    body: str
    sent_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Sent:
    """The thread as it stands after the write, and the message written."""

    thread: MessageThreadRecord
    message: MessageRecord


@dataclass(frozen=True, slots=True)
class Submission:
    """Validated answers (by linkId) to the questionnaire of one assignment."""

    request_key: str
    patient_id: str
    task_id: str  # the assignment's id
    questionnaire_id: str
    items: Sequence[QuestionnaireItemRecord]
    answers: Mapping[str, AnswerValue]
    authored_at: dt.datetime
