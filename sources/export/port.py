"""What a source hands the mart's export job: its patients and records, batch by batch.

A source's export is split into units (for FHIR sources, the Bulk Data Groups its deployment
names; for the TOL archive, the archive). Each unit is read in batches; every batch carries a
JSON checkpoint, and `export(unit, resume=checkpoint)` goes on right after that batch, so a job
killed halfway loses at most the batch it was working on. Batches hold the sources' own records
(with their PHI, in memory only): de-identifying them is the job's business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..records import Demographics, FacilityRecord, Record, RecordKind, RecordSource

__all__ = ["ExportBatch", "ExportLost", "ExportedPatient", "RecordExport", "Removed"]


class ExportLost(Exception):
    """The source dropped a unit's export half-way (expired, deleted): read the unit again from the start."""


@dataclass(frozen=True, slots=True)
class ExportedPatient:
    """A patient of the unit, and the facility (or practice) they are enrolled at, if known."""

    patient_id: str
    demographics: Demographics
    facility: FacilityRecord | None = None


@dataclass(frozen=True, slots=True)
class Removed:
    """A record the source no longer shows (entered in error): the mart drops it."""

    kind: RecordKind
    source_id: str


@dataclass(frozen=True)
class ExportBatch:
    """One step of a unit's export; `checkpoint` resumes right after it."""

    patients: tuple[ExportedPatient, ...] = ()
    records: tuple[Record, ...] = ()
    removed: tuple[Removed, ...] = ()
    places: tuple[FacilityRecord, ...] = ()  # facilities and practices the records name
    enrolments: Mapping[str, FacilityRecord] = field(default_factory=dict)  # patient id -> facility
    checkpoint: Mapping[str, Any] = field(default_factory=dict)
    as_of: dt.datetime | None = None  # on the last batch: what the unit is complete up to (next `since`)
    done: bool = False


class RecordExport(Protocol):
    """One source's export (a SourceSpec's optional `export` capability builds it)."""

    source: RecordSource

    def units(self) -> Sequence[str]:
        """The units this deployment exports (Groups, or the archive)."""

    def export(
        self, unit: str, *, since: dt.datetime | None = None, resume: Mapping[str, Any] | None = None
    ) -> AsyncIterator[ExportBatch]:
        """The unit's batches: everything, or what changed since `since`; after `resume`, the rest."""
