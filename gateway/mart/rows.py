"""A batch as the mart's rows: de-identified by the policy table, keyed, never a name or an id.

Every value column goes through `resolvers.deid.stored` under its policy field; the person is
its person key (from the identity vault); a record is a keyed hash of where it came from, a
duplicate group a keyed hash of its business id (accession number, ...): neither can be turned
back into a source id or a business id without the gateway's key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from resolvers.deid.policy import rule_of
from resolvers.deid.stored import stored
from sources.duplicates import parse_lab_identity
from sources.export import ExportBatch, ExportedPatient
from sources.records import (
    AppointmentRecord,
    ConditionRecord,
    FacilityRecord,
    LabResultRecord,
    PrescriptionRecord,
    RecordKind,
    RecordSource,
)
from sources.registry import rank_of

from .tables import ENROLMENTS, FACILITIES, PATIENTS, Table, table_of_kind

__all__ = ["RowMaker", "Rows"]

Row = dict[str, Any]
_KINDS: dict[type, RecordKind] = {
    AppointmentRecord: RecordKind.APPOINTMENT,
    ConditionRecord: RecordKind.CONDITION,
    LabResultRecord: RecordKind.LAB_RESULT,
    PrescriptionRecord: RecordKind.PRESCRIPTION,
}


@dataclass
class Rows:
    """Staged rows by table name (each with `seq` and `deleted`)."""

    tables: dict[str, list[Row]] = field(default_factory=dict)

    def add(self, table: Table, row: Row) -> None:
        self.tables.setdefault(table.name, []).append(row)

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


class RowMaker:
    """Turns one source's batches into rows; `persons` maps its patient ids to person keys."""

    def __init__(self, source: RecordSource, mart_key: bytes, reference_year: int) -> None:
        self.source = source
        self._key = mart_key
        self._year = reference_year
        self._rank = rank_of(source)

    def _hash(self, *parts: str) -> str:
        return hmac.new(self._key, "|".join(parts).encode(), hashlib.sha256).hexdigest()[:32]

    def _values(self, table: Table, item: Any) -> Row:
        return {
            c.name: stored(rule_of(c.field), c.get(item), reference_year=self._year)
            for c in table.columns
            if c.field is not None and c.get is not None
        }

    def _base(self, person_key: str | None, record_key: str, seq: int) -> Row:
        return {"person_key": person_key, "record_key": record_key, "dedupe_key": None, "rank": self._rank,
                "is_primary": False, "source": self.source, "seq": seq, "deleted": False}

    def rows(self, batch: ExportBatch, persons: Mapping[str, str], seq: int) -> Rows:
        out = Rows()
        for patient in batch.patients:
            self._patient(out, patient, persons, seq)
        for patient_id, place in batch.enrolments.items():
            self._enrolment(out, patient_id, place, persons, seq)
        for place in batch.places:
            out.add(FACILITIES, {**self._values(FACILITIES, place), "record_key": self._hash(self.source, "facility",
                                 place.id), "source": self.source, "seq": seq, "deleted": False})
        for record in batch.records:
            self._record(out, record, persons, seq)
        for gone in batch.removed:
            table = table_of_kind(gone.kind)
            if table is not None:
                out.add(table, {**self._base(None, self._hash(self.source, gone.kind.value, gone.source_id), seq),
                                "deleted": True})
        return out

    def _patient(self, out: Rows, patient: ExportedPatient, persons: Mapping[str, str], seq: int) -> None:
        person = persons.get(patient.patient_id)
        if person is None:
            return  # linked to no one the gateway knows: not in the mart
        row = {**self._base(person, self._patient_key(patient.patient_id), seq),
               **self._values(PATIENTS, patient.demographics)}
        birth = patient.demographics.birth_date
        row["over_89"] = birth is not None and row["birth_year"] is None
        row["home_source"] = row["home_facility"] = None
        out.add(PATIENTS, row)
        if patient.facility is not None:
            self._enrolment(out, patient.patient_id, patient.facility, persons, seq)

    def _enrolment(
        self, out: Rows, patient_id: str, place: FacilityRecord, persons: Mapping[str, str], seq: int
    ) -> None:
        person = persons.get(patient_id)
        if person is not None:
            out.add(ENROLMENTS, {**self._base(person, self._patient_key(patient_id), seq),
                                 **self._values(ENROLMENTS, place)})

    def _patient_key(self, patient_id: str) -> str:
        return self._hash(self.source, "patient", patient_id)

    def _record(self, out: Rows, record: Any, persons: Mapping[str, str], seq: int) -> None:
        kind = _kind_of(record)
        table = None if kind is None else table_of_kind(kind)
        person = persons.get(getattr(record, "patient_id", ""))
        if table is None or person is None or table.kind is None:
            return
        row = {**self._base(person, self._hash(self.source, table.kind.value, record.provenance.source_id), seq),
               **self._values(table, record)}
        business = getattr(record, "business_id", None)
        lab = parse_lab_identity(business) if business else None
        business = lab.content if lab is not None else business  # the mart groups on content alone
        row["dedupe_key"] = self._hash(table.kind.value, business) if business else None
        out.add(table, row)


def _kind_of(record: Any) -> RecordKind | None:
    return _KINDS.get(type(record))
