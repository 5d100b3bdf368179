"""The mart's tables: every column, its type, and the policy field whose treatment it is stored by.

A column that holds a value from a record names the GraphQL field it corresponds to (`field`);
ingest stores it as `resolvers/deid/policy.py` treats that field (`resolvers/deid/stored.py`):
codes as they are, dates as years, birth years only for those who cannot be over 89. Structural
columns (`field` None) are keyed hashes, ranks and flags the job computes: no value of a record.
`tests/mart/test_tables.py` checks that no column stores a field the policy removes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sources import records as r

__all__ = ["PERSON_TABLES", "RECORD_TABLES", "TABLES", "Column", "Table", "table_of_kind"]

Get = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type
    field: str | None = None  # the policy field it is stored by; None: structural
    get: Get | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    kind: r.RecordKind | None = None  # the record kind it holds (None: patients, enrolments, facilities)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def sql_columns(self) -> str:
        return ", ".join(f"{c.name} {c.type}" for c in self.columns)


# Structural columns of every table: who (person_key), which record (record_key, a keyed hash of
# source, kind and source id), duplicates across sources (dedupe_key, a keyed hash of the business
# id), the source and its rank, and `is_primary` (the best-ranked copy; duplicates are kept unflagged).
_KEYS = (
    Column("person_key", "VARCHAR"),
    Column("record_key", "VARCHAR"),
    Column("dedupe_key", "VARCHAR"),
    Column("rank", "INTEGER"),
    Column("is_primary", "BOOLEAN"),
)
_SOURCE = Column("source", "VARCHAR")  # the Hive partition column, last


def _coding(attribute: str, prefix: str) -> tuple[Column, ...]:
    def part(name: str) -> Get:
        return lambda rec: getattr(getattr(rec, attribute), name)

    return (
        Column(f"{prefix}_system", "VARCHAR", "Coding.system", part("system")),
        Column(f"{prefix}_code", "VARCHAR", "Coding.code", part("code")),
        Column(f"{prefix}_display", "VARCHAR", "Coding.display", part("display")),
    )


def _facility_id(record: Any) -> str | None:
    facility = getattr(record, "facility", None)
    return None if facility is None else str(facility.id)


CONDITIONS = Table("conditions", (
    *_KEYS,
    *_coding("code", "code"),
    Column("clinical_status", "VARCHAR", "Condition.clinicalStatus", lambda c: c.clinical_status),
    Column("year", "INTEGER", "Condition.onsetDate", lambda c: c.onset_date),
    _SOURCE,
), r.RecordKind.CONDITION)

LAB_RESULTS = Table("lab_results", (
    *_KEYS,
    *_coding("code", "code"),
    Column("value", "DOUBLE", "Quantity.value", lambda x: x.value_quantity.value if x.value_quantity else None),
    Column("unit", "VARCHAR", "Quantity.unit", lambda x: x.value_quantity.unit if x.value_quantity else None),
    Column("interpretation", "VARCHAR", "LabResult.interpretation", lambda x: x.interpretation),
    Column("status", "VARCHAR", "LabResult.status", lambda x: x.status),
    Column("year", "INTEGER", "LabResult.effectiveAt", lambda x: x.effective_at),
    _SOURCE,
), r.RecordKind.LAB_RESULT)

MEDICATIONS = Table("medications", (
    *_KEYS,
    *_coding("medication", "medication"),
    Column("status", "VARCHAR", "Prescription.status", lambda x: x.status),
    Column("year", "INTEGER", "Prescription.authoredOn", lambda x: x.authored_on),
    _SOURCE,
), r.RecordKind.PRESCRIPTION)

VISITS = Table("visits", (
    *_KEYS,
    Column("service", "VARCHAR", "Appointment.service", lambda x: x.service),
    Column("status", "VARCHAR", "Appointment.status", lambda x: x.status),
    Column("facility_id", "VARCHAR", "Facility.id", _facility_id),
    Column("year", "INTEGER", "Appointment.start", lambda x: x.start),
    _SOURCE,
), r.RecordKind.APPOINTMENT)

# Patients: one row per source patient record (record_key), linked to a person; the primary row
# (most authoritative source) also carries the person's home facility.
PATIENTS = Table("patients", (
    *_KEYS,
    Column("sex", "VARCHAR", "Patient.gender", lambda d: d.gender),
    Column("birth_year", "INTEGER", "Patient.birthDate", lambda d: d.birth_date),
    Column("over_89", "BOOLEAN"),  # structural: the birth year was withheld
    Column("home_source", "VARCHAR"),  # structural: whose facility id `home_facility` is
    Column("home_facility", "VARCHAR", "Facility.id"),
    _SOURCE,
))

# Where each source patient record is enrolled (GENESIS: primary care team's facility; TOL: home
# facility; community: the practice); the build picks the most authoritative one as home.
ENROLMENTS = Table("enrolments", (
    *_KEYS,
    Column("facility_id", "VARCHAR", "Facility.id", lambda f: f.id),
    _SOURCE,
))

FACILITIES = Table("facilities", (
    Column("facility_id", "VARCHAR", "Facility.id", lambda f: f.id),
    Column("name", "VARCHAR", "Facility.name", lambda f: f.name),
    Column("on_genesis", "BOOLEAN", "Facility.onGenesis", lambda f: f.on_genesis),
    Column("record_key", "VARCHAR"),
    _SOURCE,
))

RECORD_TABLES = (CONDITIONS, LAB_RESULTS, MEDICATIONS, VISITS)
PERSON_TABLES = (PATIENTS, ENROLMENTS)
TABLES = (*RECORD_TABLES, *PERSON_TABLES, FACILITIES)
_BY_KIND = {t.kind: t for t in RECORD_TABLES}


def table_of_kind(kind: r.RecordKind) -> Table | None:
    """The table that holds records of `kind` (None: the mart does not keep that kind)."""
    return _BY_KIND.get(kind)
