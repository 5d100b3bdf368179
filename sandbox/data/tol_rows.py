"""One frozen dataclass per TOL archive table; field names and order are the table's columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "TolAccount",
    "TolAppointment",
    "TolFacility",
    "TolLabResult",
    "TolMessage",
    "TolPrescription",
    "TolThread",
]


@dataclass(frozen=True, slots=True)
class TolFacility:
    facility_id: str
    name: str
    genesis_go_live: dt.date | None


@dataclass(frozen=True, slots=True)
class TolAccount:
    account_id: str
    dod_id: str
    given_name: str
    family_name: str
    birth_date: dt.date
    gender: str  # M, F, U
    home_facility: str


@dataclass(frozen=True, slots=True)
class TolThread:
    thread_id: str
    account_id: str
    subject: str
    folder: str  # INBOX, SENT, ARCHIVE
    created_at: dt.datetime
    last_message_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TolMessage:
    message_id: str
    thread_id: str
    sent_at: dt.datetime
    sender_name: str
    from_patient: bool
    body: str


@dataclass(frozen=True, slots=True)
class TolAppointment:
    appointment_id: str
    account_id: str
    facility_id: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str  # SCHEDULED, KEPT, CANCELLED, NO_SHOW, ...
    clinic: str  # PRIMARY_CARE, DENTAL, SPECIALTY, ...
    provider_name: str
    reason: str
    entered_in_error: bool = False


@dataclass(frozen=True, slots=True)
class TolPrescription:
    rx_id: str
    account_id: str
    rx_number: str
    drug_name: str
    rxnorm_code: str
    sig: str
    prescriber_name: str
    written_on: dt.date
    expires_on: dt.date
    refills_authorized: int
    refills_used: int
    status: str  # ACTIVE, EXPIRED, DISCONTINUED
    entered_in_error: bool = False


@dataclass(frozen=True, slots=True)
class TolLabResult:
    result_id: str
    account_id: str
    accession_number: str
    loinc_code: str
    test_name: str
    value_numeric: Decimal | None
    value_text: str | None
    unit: str | None
    ref_low: Decimal | None
    ref_high: Decimal | None
    ref_text: str | None
    abnormal_flag: str  # N, L, H, LL, HH, A
    collected_at: dt.datetime
    status: str  # FINAL, CORRECTED, PRELIMINARY
    entered_in_error: bool = False
