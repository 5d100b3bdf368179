"""TOL archive rows → records: legacy codes to the shared vocabularies, with provenance.

Choices the archive leaves open, made here:
- Every TOL thread is reported in folder ARCHIVE (the archive is read-only), whatever the
  legacy portal's folder was.
- Clinics: PRIMARY_CARE, DENTAL, SPECIALTY map to themselves; OPTOMETRY, MENTAL_HEALTH and
  PHYSICAL_THERAPY are specialty clinics → SPECIALTY; IMMUNIZATIONS → OTHER.
- Prescription status (FHIR MedicationRequest vocabulary): ACTIVE → active while not past
  `expires_on`, else completed; EXPIRED → completed (the course ran its time); DISCONTINUED →
  stopped. Refills remaining = authorized - used, never below zero.
- Lab status: FINAL → final, CORRECTED → corrected, PRELIMINARY → preliminary.
- The archive keeps provider names as text, not ids: a practitioner's id is `tol-name:<name>`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from sources.duplicates import lab_identity
from sources.records import (
    AppointmentRecord,
    AppointmentStatus,
    CareService,
    Coding,
    Demographics,
    FacilityRecord,
    HumanName,
    Interpretation,
    LabResultRecord,
    Link,
    LinkedRef,
    MessageFolder,
    MessageRecord,
    MessageThreadRecord,
    PractitionerRecord,
    PrescriptionRecord,
    Provenance,
    Quantity,
    ReferenceRange,
)

from .name import TOL_ARCHIVE

__all__ = [
    "APPOINTMENT_STATUS",
    "CLINIC_SERVICE",
    "DRUG_NAME_SYSTEM",
    "LAB_NAME_SYSTEM",
    "LOINC",
    "PROVIDER_PREFIX",
    "RXNORM",
    "Row",
    "appointment",
    "business_key",
    "clinics_for",
    "facility",
    "lab_result",
    "legacy_statuses_for",
    "link",
    "message",
    "message_thread",
    "person",
    "prescription",
    "prescription_status",
    "provider_name",
]


class Row(Protocol):
    """A result row read by column name (asyncpg.Record, or a dict in tests)."""

    def __getitem__(self, key: str, /) -> Any: ...


SOURCE = TOL_ARCHIVE

LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LAB_NAME_SYSTEM = "urn:mhs:tol:lab-test-name"  # a lab test the archive kept without LOINC
DRUG_NAME_SYSTEM = "urn:mhs:tol:drug-name"  # a drug the archive kept without RxNorm

APPOINTMENT_STATUS: Mapping[str, AppointmentStatus] = {
    "PENDING": AppointmentStatus.PROPOSED,
    "SCHEDULED": AppointmentStatus.BOOKED,
    "CHECKED_IN": AppointmentStatus.ARRIVED,
    "KEPT": AppointmentStatus.FULFILLED,
    "CANCELLED": AppointmentStatus.CANCELLED,
    "NO_SHOW": AppointmentStatus.NOSHOW,
}

CLINIC_SERVICE: Mapping[str, CareService] = {
    "PRIMARY_CARE": CareService.PRIMARY_CARE,
    "DENTAL": CareService.DENTAL,
    "SPECIALTY": CareService.SPECIALTY,
    "OPTOMETRY": CareService.SPECIALTY,
    "MENTAL_HEALTH": CareService.SPECIALTY,
    "PHYSICAL_THERAPY": CareService.SPECIALTY,
    "IMMUNIZATIONS": CareService.OTHER,
}

_INTERPRETATION: Mapping[str, Interpretation] = {
    "N": Interpretation.NORMAL,
    "L": Interpretation.LOW,
    "H": Interpretation.HIGH,
    "LL": Interpretation.CRITICAL_LOW,
    "HH": Interpretation.CRITICAL_HIGH,
    "A": Interpretation.ABNORMAL,
}

_LAB_STATUS: Mapping[str, str] = {
    "FINAL": "final",
    "CORRECTED": "corrected",
    "PRELIMINARY": "preliminary",
}

_GENDER: Mapping[str, str] = {"M": "male", "F": "female", "U": "unknown"}


def legacy_statuses_for(statuses: tuple[AppointmentStatus, ...]) -> list[str]:
    """The archive's appointment status codes that map to any of `statuses`."""
    return sorted(code for code, status in APPOINTMENT_STATUS.items() if status in statuses)


def clinics_for(service: CareService) -> list[str]:
    """The archive's clinic codes that map to `service`."""
    return sorted(clinic for clinic, mapped in CLINIC_SERVICE.items() if mapped is service)


def prescription_status(status: str, expires_on: dt.date | None, today: dt.date) -> str:
    """A legacy prescription status in the FHIR MedicationRequest vocabulary."""
    if status == "ACTIVE":
        return "active" if expires_on is None or expires_on >= today else "completed"
    if status == "DISCONTINUED":
        return "stopped"
    if status == "EXPIRED":
        return "completed"
    return "unknown"


def _provenance(row: Row, source_id: str, retrieved_at: dt.datetime) -> Provenance:
    return Provenance(
        source=SOURCE,
        source_id=source_id,
        retrieved_at=retrieved_at,
        organization=row["organization"],
    )


PROVIDER_PREFIX = "tol-name:"


def provider_name(practitioner_id: str) -> str | None:
    """The name a TOL practitioner id stands for (the archive keeps names, not ids)."""
    return practitioner_id.removeprefix(PROVIDER_PREFIX) if practitioner_id.startswith(PROVIDER_PREFIX) else None


def person(name: str | None) -> PractitionerRecord | None:
    """A provider's name as a practitioner record."""
    if not name or not name.strip():
        return None
    parts = name.split()
    return PractitionerRecord(
        id=PROVIDER_PREFIX + " ".join(parts),
        name=HumanName(given=tuple(parts[:-1]), family=parts[-1]),
    )


def facility(row: Row, today: dt.date) -> FacilityRecord | None:
    """A row with facility_id, facility_name and genesis_go_live as a facility."""
    if row["facility_id"] is None:
        return None
    go_live: dt.date | None = row["genesis_go_live"]
    return FacilityRecord(
        id=row["facility_id"],
        name=row["facility_name"],
        on_genesis=go_live is not None and go_live <= today,
    )


def _quantity(value: Decimal | None, unit: str | None) -> Quantity | None:
    return None if value is None else Quantity(value=float(value), unit=unit)


def link(dod_id: str, row: Row | None) -> Link:
    """The Link for `dod_id`: one ref (the account) and its demographics, or no refs."""
    if row is None:
        return Link(source=SOURCE, dod_id=dod_id)
    account = row["account_id"]
    demographics = Demographics(
        source=SOURCE,
        source_id=account,
        dod_id=row["dod_id"].strip(),
        name=HumanName(given=tuple(row["given_name"].split()), family=row["family_name"]),
        birth_date=row["birth_date"],
        gender=_GENDER.get(row["gender"]) if row["gender"] else None,
    )
    ref = LinkedRef(patient_id=account, organization=row["organization"])
    return Link(source=SOURCE, dod_id=dod_id, refs=(ref,), demographics=demographics)


def appointment(row: Row, retrieved_at: dt.datetime) -> AppointmentRecord:
    today = retrieved_at.date()
    return AppointmentRecord(
        provenance=_provenance(row, row["appointment_id"], retrieved_at),
        patient_id=row["account_id"],
        start=row["starts_at"],
        end=row["ends_at"],
        status=APPOINTMENT_STATUS[row["status"]],
        service=CLINIC_SERVICE.get(row["clinic"], CareService.OTHER),
        description=row["reason"],
        facility=facility(row, today),
        practitioner=person(row["provider_name"]),
    )


def lab_result(row: Row, retrieved_at: dt.datetime) -> LabResultRecord:
    test_name: str = row["test_name"]
    code = (
        Coding(system=LOINC, code=row["loinc_code"], display=test_name)
        if row["loinc_code"]
        else Coding(system=LAB_NAME_SYSTEM, code=test_name, display=test_name)
    )
    unit: str | None = row["unit"]
    low, high, text = row["ref_low"], row["ref_high"], row["ref_text"]
    reference = (
        ReferenceRange(low=_quantity(low, unit), high=_quantity(high, unit), text=text)
        if low is not None or high is not None or text is not None
        else None
    )
    flag: str | None = row["abnormal_flag"]
    return LabResultRecord(
        provenance=_provenance(row, row["result_id"], retrieved_at),
        patient_id=row["account_id"],
        code=code,
        display=test_name,
        effective_at=row["collected_at"],
        status=_LAB_STATUS.get(row["status"], "unknown"),
        value_quantity=_quantity(row["value_numeric"], unit),
        value_string=row["value_text"] if row["value_numeric"] is None else None,
        reference_range=reference,
        interpretation=_INTERPRETATION.get(flag) if flag else None,
        business_id=_identity(row, unit),
    )


def _identity(row: Row, unit: str | None) -> str | None:
    numeric = row["value_numeric"]
    value = float(numeric) if numeric is not None else None
    return lab_identity(row["loinc_code"], row["collected_at"], value, unit, row["value_text"], row["accession_number"])


def prescription(row: Row, retrieved_at: dt.datetime) -> PrescriptionRecord:
    drug: str = row["drug_name"]
    medication = (
        Coding(system=RXNORM, code=row["rxnorm_code"], display=drug)
        if row["rxnorm_code"]
        else Coding(system=DRUG_NAME_SYSTEM, code=drug, display=drug)
    )
    authorized: int = row["refills_authorized"]
    return PrescriptionRecord(
        provenance=_provenance(row, row["rx_id"], retrieved_at),
        patient_id=row["account_id"],
        medication=medication,
        display=drug,
        status=prescription_status(row["status"], row["expires_on"], retrieved_at.date()),
        authored_on=row["written_on"],
        dosage_instructions=row["sig"],
        prescriber=person(row["prescriber_name"]),
        refills_allowed=authorized,
        refills_remaining=max(0, authorized - row["refills_used"]),
        expires_on=row["expires_on"],
        business_id=row["rx_number"],
    )


def message_thread(row: Row, retrieved_at: dt.datetime) -> MessageThreadRecord:
    return MessageThreadRecord(
        provenance=_provenance(row, row["thread_id"], retrieved_at),
        patient_id=row["account_id"],
        subject=row["subject"],
        folder=MessageFolder.ARCHIVE,
        last_message_at=row["last_message_at"],
        message_count=row["message_count"],
    )


def message(row: Row, retrieved_at: dt.datetime) -> MessageRecord:
    return MessageRecord(
        provenance=_provenance(row, row["message_id"], retrieved_at),
        thread_id=row["thread_id"],
        sent_at=row["sent_at"],
        sender=row["sender_name"],
        from_patient=row["from_patient"],
        body=row["body"],
    )


def business_key(held: str) -> str | None:
    """A business id as the totals query aggregates it: lab results come as their identity parts
    (a JSON array, see queries.py), made the key `lab_result` gives; others are the id itself."""
    if not held.startswith("["):
        return held
    loinc, collected, value, unit, text, accession = json.loads(held)
    when = dt.datetime.fromisoformat(collected)
    return lab_identity(loinc, when, float(value) if value is not None else None, unit, text, accession)
