"""What the generator returns: FHIR resources per sandbox, TOL rows, and the personas."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from .tol_rows import (
    TolAccount,
    TolAppointment,
    TolFacility,
    TolLabResult,
    TolMessage,
    TolPrescription,
    TolThread,
)

__all__ = ["DemoData", "Persona", "TolData", "TolTable"]


@dataclass(frozen=True, slots=True)
class TolTable:
    """One table's rows ready for `copy_records_to_table`: name, columns, value tuples."""

    name: str
    columns: tuple[str, ...]
    records: list[tuple[Any, ...]]


def _table(name: str, rows: Sequence[Any], row_type: type) -> TolTable:
    columns = tuple(f.name for f in fields(row_type))
    return TolTable(name, columns, [tuple(getattr(r, c) for c in columns) for r in rows])


@dataclass(frozen=True)
class TolData:
    """Rows for the TOL archive tables (schema `tol`), in an order that satisfies foreign keys."""

    facilities: list[TolFacility] = field(default_factory=list)
    accounts: list[TolAccount] = field(default_factory=list)
    message_threads: list[TolThread] = field(default_factory=list)
    messages: list[TolMessage] = field(default_factory=list)
    appointments: list[TolAppointment] = field(default_factory=list)
    prescriptions: list[TolPrescription] = field(default_factory=list)
    lab_results: list[TolLabResult] = field(default_factory=list)

    def tables(self) -> Iterator[TolTable]:
        """Each table's rows, parents before children."""
        yield _table("facilities", self.facilities, TolFacility)
        yield _table("accounts", self.accounts, TolAccount)
        yield _table("message_threads", self.message_threads, TolThread)
        yield _table("messages", self.messages, TolMessage)
        yield _table("appointments", self.appointments, TolAppointment)
        yield _table("prescriptions", self.prescriptions, TolPrescription)
        yield _table("lab_results", self.lab_results, TolLabResult)


@dataclass(frozen=True)
class Persona:
    """A demo persona: who signs in as them (`role`, `subject`) and where their records live.

    Patients (P1..P4): `dod_id` is the token subject; `facility` is their primary care facility.
    Clinicians (C1, C2): `practitioner_id` is the subject and `facility` the token's claim.
    The analyst (A1): `subject` only.
    """

    key: str
    role: str  # patient, clinician, analyst
    subject: str
    display_name: str
    dod_id: str | None = None
    genesis_patient_id: str | None = None
    tol_account_id: str | None = None
    community_patient_ids: tuple[str, ...] = ()
    practitioner_id: str | None = None
    facility: str | None = None


@dataclass(frozen=True)
class DemoData:
    """Everything the demo loads: resources for each FHIR sandbox, TOL rows, the personas."""

    genesis: list[dict[str, Any]]
    community: list[dict[str, Any]]
    tol: TolData
    personas: dict[str, Persona]
    genesis_facility: str
    # ground truth for linking tests: each community Patient id -> its owner's DoD ID (None: nobody
    # in GENESIS); and the near-duplicate pairs generated, as (kind, community patient id)
    community_owners: dict[str, str | None] = field(default_factory=dict)
    lookalikes: tuple[tuple[str, str], ...] = ()
