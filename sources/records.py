"""The plain, typed record model that every source adapter returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import NewType

__all__ = [
    "AppointmentRecord",
    "AppointmentStatus",
    "CareService",
    "CareTeamRecord",
    "Coding",
    "ConditionRecord",
    "Demographics",
    "FacilityRecord",
    "HealthTopicRecord",
    "HumanName",
    "Interpretation",
    "LabResultRecord",
    "Link",
    "LinkedRef",
    "MessageFolder",
    "MessageRecord",
    "MessageThreadRecord",
    "NoteContent",
    "NoteRecord",
    "PatientKey",
    "PractitionerRecord",
    "PrescriptionRecord",
    "Provenance",
    "Quantity",
    "QuestionnaireAssignmentRecord",
    "QuestionnaireItemRecord",
    "QuestionnaireItemType",
    "QuestionnaireRecord",
    "Record",
    "RecordKind",
    "RecordSource",
    "ReferenceRange",
    "RenewalRequestRecord",
    "RenewalStatus",
    "SlotRecord",
]


RecordSource = NewType("RecordSource", str)
"""The registered name of an upstream system (`GENESIS`, `TOL_ARCHIVE`, ...): one per source spec
in `sources.registry`, which also ranks them."""


class RecordKind(StrEnum):
    """Kinds of record a source may provide."""

    APPOINTMENT = "appointment"
    CLINICAL_NOTE = "clinical_note"
    LAB_RESULT = "lab_result"
    PRESCRIPTION = "prescription"
    CONDITION = "condition"
    MESSAGE_THREAD = "message_thread"
    MESSAGE = "message"
    QUESTIONNAIRE_ASSIGNMENT = "questionnaire_assignment"
    QUESTIONNAIRE = "questionnaire"
    CARE_TEAM = "care_team"
    RENEWAL_REQUEST = "renewal_request"
    SLOT = "slot"
    PRACTITIONER = "practitioner"
    FACILITY = "facility"
    PATIENT = "patient"


class CareService(StrEnum):
    PRIMARY_CARE = "PRIMARY_CARE"
    DENTAL = "DENTAL"
    SPECIALTY = "SPECIALTY"
    OTHER = "OTHER"


class AppointmentStatus(StrEnum):
    PROPOSED = "PROPOSED"
    BOOKED = "BOOKED"
    ARRIVED = "ARRIVED"
    FULFILLED = "FULFILLED"
    CANCELLED = "CANCELLED"
    NOSHOW = "NOSHOW"


class MessageFolder(StrEnum):
    INBOX = "INBOX"
    SENT = "SENT"
    ARCHIVE = "ARCHIVE"


class Interpretation(StrEnum):
    NORMAL = "NORMAL"
    LOW = "LOW"
    HIGH = "HIGH"
    CRITICAL_LOW = "CRITICAL_LOW"
    CRITICAL_HIGH = "CRITICAL_HIGH"
    ABNORMAL = "ABNORMAL"


class RenewalStatus(StrEnum):
    REQUESTED = "REQUESTED"
    IN_REVIEW = "IN_REVIEW"
    APPROVED = "APPROVED"
    DENIED = "DENIED"


class QuestionnaireItemType(StrEnum):
    BOOLEAN = "BOOLEAN"
    STRING = "STRING"
    TEXT = "TEXT"
    INTEGER = "INTEGER"
    DECIMAL = "DECIMAL"
    DATE = "DATE"
    CHOICE = "CHOICE"
    DISPLAY = "DISPLAY"
    GROUP = "GROUP"


@dataclass(frozen=True, slots=True)
class Coding:
    system: str
    code: str
    display: str | None = None


@dataclass(frozen=True, slots=True)
class HumanName:
    given: tuple[str, ...]
    family: str

    @property
    def text(self) -> str:
        return " ".join((*self.given, self.family)).strip()


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class ReferenceRange:
    low: Quantity | None = None
    high: Quantity | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from; `also_in` lists other sources holding the same record."""

    source: RecordSource
    source_id: str
    retrieved_at: dt.datetime
    organization: str | None = None
    match_confidence: float | None = None
    also_in: tuple[RecordSource, ...] = ()


@dataclass(frozen=True, slots=True)
class PatientKey:
    """What linking starts from: the DoD ID, plus demographics once a source supplied them."""

    dod_id: str
    demographics: Demographics | None = None


@dataclass(frozen=True, slots=True)
class Demographics:
    """A patient as one source knows them."""

    source: RecordSource
    source_id: str
    dod_id: str | None
    name: HumanName
    birth_date: dt.date | None
    gender: str | None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class LinkedRef:
    """One patient record inside a source that belongs to the person being linked."""

    patient_id: str
    match_confidence: float | None = None  # None: linked by DoD ID, not by demographics
    organization: str | None = None
    demographics: Demographics | None = None  # as the source holds them, where it gave them


@dataclass(frozen=True, slots=True)
class Link:
    """The result of linking one DoD ID to one source; no refs means NOT_LINKED."""

    source: RecordSource
    dod_id: str
    refs: tuple[LinkedRef, ...] = ()
    demographics: Demographics | None = None

    @property
    def linked(self) -> bool:
        return bool(self.refs)


@dataclass(frozen=True, slots=True)
class FacilityRecord:
    id: str
    name: str
    on_genesis: bool


@dataclass(frozen=True, slots=True)
class PractitionerRecord:
    id: str
    name: HumanName
    role: str | None = None


@dataclass(frozen=True, slots=True)
class CareTeamRecord:
    provenance: Provenance
    name: str
    facility: FacilityRecord | None
    members: tuple[PractitionerRecord, ...]
    patient_id: str


@dataclass(frozen=True, slots=True)
class SlotRecord:
    provenance: Provenance
    start: dt.datetime
    end: dt.datetime
    service: CareService
    facility: FacilityRecord
    practitioner: PractitionerRecord | None
    version: str | None = None  # the source's version id, for conditional updates


@dataclass(frozen=True, slots=True)
class AppointmentRecord:
    provenance: Provenance
    patient_id: str
    start: dt.datetime
    end: dt.datetime | None
    status: AppointmentStatus
    service: CareService
    description: str | None = None
    facility: FacilityRecord | None = None
    practitioner: PractitionerRecord | None = None
    slot_id: str | None = None
    business_id: str | None = None

    @property
    def sort_time(self) -> dt.datetime:
        return self.start


@dataclass(frozen=True, slots=True)
class NoteContent:
    """Where a note's content lives upstream: a Binary on the source's own server (an absolute URL
    there, never shown to clients), its media type and, when the source states it, its size."""

    url: str
    content_type: str
    size: int | None = None
    inline: bool = False  # the bytes are the note's own `attachment.data` (`url` is the note)

    @property
    def is_document(self) -> bool:
        """A document clients download (a PDF), not text the gateway reads for them."""
        return self.content_type == "application/pdf"


@dataclass(frozen=True, slots=True)
class NoteRecord:
    provenance: Provenance
    patient_id: str
    title: str
    authored_at: dt.datetime
    text: str
    type: Coding | None = None
    author: PractitionerRecord | None = None
    business_id: str | None = None
    content: NoteContent | None = None  # the Binary the text (or the document) lives in

    @property
    def sort_time(self) -> dt.datetime:
        return self.authored_at


@dataclass(frozen=True, slots=True)
class LabResultRecord:
    provenance: Provenance
    patient_id: str
    code: Coding
    display: str
    effective_at: dt.datetime
    status: str
    value_quantity: Quantity | None = None
    value_string: str | None = None
    reference_range: ReferenceRange | None = None
    interpretation: Interpretation | None = None
    business_id: str | None = None  # the identity key (sources/duplicates.py), accession inside

    @property
    def sort_time(self) -> dt.datetime:
        return self.effective_at


@dataclass(frozen=True, slots=True)
class PrescriptionRecord:
    provenance: Provenance
    patient_id: str
    medication: Coding
    display: str
    status: str  # FHIR MedicationRequest.status vocabulary: active, completed, stopped, ...
    authored_on: dt.date | None = None
    dosage_instructions: str | None = None
    prescriber: PractitionerRecord | None = None
    refills_allowed: int | None = None
    refills_remaining: int | None = None
    expires_on: dt.date | None = None
    business_id: str | None = None

    @property
    def sort_time(self) -> dt.datetime:
        day = self.authored_on or dt.date(1900, 1, 1)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class RenewalRequestRecord:
    provenance: Provenance
    patient_id: str
    prescription_id: str
    status: RenewalStatus
    requested_at: dt.datetime
    note: str | None = None

    @property
    def sort_time(self) -> dt.datetime:
        return self.requested_at


@dataclass(frozen=True, slots=True)
class ConditionRecord:
    provenance: Provenance
    patient_id: str
    code: Coding
    display: str
    clinical_status: str
    onset_date: dt.date | None = None
    codes: tuple[Coding, ...] = ()  # every coding the source gave (ICD-10-CM, SNOMED CT)
    business_id: str | None = None

    @property
    def sort_time(self) -> dt.datetime:
        day = self.onset_date or dt.date(1900, 1, 1)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class MessageThreadRecord:
    provenance: Provenance
    patient_id: str
    subject: str
    folder: MessageFolder
    last_message_at: dt.datetime
    message_count: int = 0

    @property
    def sort_time(self) -> dt.datetime:
        return self.last_message_at


@dataclass(frozen=True, slots=True)
class MessageRecord:
    provenance: Provenance
    thread_id: str
    sent_at: dt.datetime
    sender: str
    from_patient: bool
    body: str

    @property
    def sort_time(self) -> dt.datetime:
        return self.sent_at


@dataclass(frozen=True, slots=True)
class QuestionnaireItemRecord:
    link_id: str
    text: str
    type: QuestionnaireItemType
    required: bool = False
    options: tuple[str, ...] = ()
    items: tuple[QuestionnaireItemRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class QuestionnaireRecord:
    provenance: Provenance
    title: str
    items: tuple[QuestionnaireItemRecord, ...]


@dataclass(frozen=True, slots=True)
class QuestionnaireAssignmentRecord:
    provenance: Provenance
    patient_id: str
    questionnaire_id: str
    appointment_id: str | None
    due_by: dt.datetime | None
    completed_at: dt.datetime | None

    @property
    def sort_time(self) -> dt.datetime:
        return self.due_by or dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class HealthTopicRecord:
    id: str
    title: str
    summary: str
    codes: tuple[Coding, ...]
    approved_by: str
    reviewed_on: dt.date


Record = (
    AppointmentRecord
    | NoteRecord
    | LabResultRecord
    | PrescriptionRecord
    | ConditionRecord
    | MessageThreadRecord
    | MessageRecord
    | QuestionnaireAssignmentRecord
    | RenewalRequestRecord
    | CareTeamRecord
    | SlotRecord
    | QuestionnaireRecord
)
