"""The one interface every source adapter implements, and the paging types it speaks."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, runtime_checkable

from .errors import SourceError
from .records import (
    AppointmentStatus,
    CareService,
    Demographics,
    FacilityRecord,
    Link,
    MessageFolder,
    NoteContent,
    PatientKey,
    PractitionerRecord,
    Record,
    RecordKind,
    RecordSource,
)

__all__ = ["DemographicMatcher", "DirectoryEntry", "Download", "Filters", "NoteDocuments", "NoteTexts", "Page",
           "PageRequest", "Position", "Query", "Source"]

DirectoryEntry = PractitionerRecord | FacilityRecord


@dataclass(frozen=True, slots=True)
class Position:
    """Where one source left off in a newest-first list: the last item's sort time and id."""

    time: dt.datetime
    id: str


@dataclass(frozen=True, slots=True)
class Filters:
    """Filters the schema offers on record lists; a source applies those that fit its kind."""

    date_from: dt.datetime | None = None
    date_to: dt.datetime | None = None
    statuses: tuple[AppointmentStatus, ...] = ()
    service: CareService | None = None
    code: str | None = None
    active_only: bool = False
    folder: MessageFolder | None = None
    pending_only: bool = False
    thread_id: str | None = None  # for RecordKind.MESSAGE


@dataclass(frozen=True, slots=True)
class PageRequest:
    """One page of one list: at most `first` items strictly after `after`, newest first."""

    first: int
    after: Position | None = None
    filters: Filters = field(default_factory=Filters)
    want_total: bool = False
    # With the total: the business ids (accession numbers, ...) of every matching record, so
    # that the caller can count duplicates across sources. Sent in the same round trip.
    want_business_ids: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """One patient's (or one thread's) page request to one source."""

    link: Link
    page: PageRequest


@dataclass(frozen=True, slots=True)
class Page:
    """What a source returned for one Query: newest first, `has_more` if it held back items."""

    items: tuple[Record, ...]
    has_more: bool
    total: int | None = None
    business_ids: tuple[str, ...] | None = None  # when asked: one per matching record that has one


class Source(Protocol):
    """An upstream system of records behind the common interface."""

    name: ClassVar[RecordSource]
    provides: ClassVar[frozenset[RecordKind]]

    async def check(self) -> None:
        """Raise a SourceError unless the source answers now (readiness probe)."""

    async def link(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        """Link each DoD ID to this source's patient records by identifier, aligned with `patients`."""

    async def fetch(self, kind: RecordKind, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        """Fetch one page per query, in as few upstream round trips as the source allows."""

    async def get(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[Record | SourceError | None]:
        """Fetch records by their source ids (for `node(id:)`), aligned with `ids`."""

    async def patients(self, ids: Sequence[str]) -> Sequence[Demographics | SourceError | None]:
        """This source's patients by their ids (whose record is this?), aligned with `ids`."""

    async def find_patients(self, who: Demographics) -> Sequence[Demographics]:
        """Patients with `who`'s family name, birth date and gender; raises SourceError."""

    async def directory(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[DirectoryEntry | SourceError | None]:
        """Practitioners (`kind` PRACTITIONER) or facilities (FACILITY) by id, aligned with `ids`."""


@runtime_checkable
class DemographicMatcher(Protocol):
    """A source whose patients may lack a DoD ID: after every source has linked by identifier, the
    patients it did not find are matched on the demographics the most authoritative source gave."""

    async def match(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        """Link each patient (each carries `demographics`) by demographic match, aligned with `patients`."""


@dataclass(frozen=True)
class Download:
    """A note's document on its way to a client: its media type, exact size and bytes (read once)."""

    content_type: str
    size: int
    chunks: AsyncIterator[bytes]


@runtime_checkable
class NoteTexts(Protocol):
    """A source whose notes may keep their words in a Binary, read only when a client asks."""

    async def note_texts(self, contents: Sequence[NoteContent]) -> Sequence[str | SourceError]:
        """The plain text of each content (XHTML sanitized), aligned with `contents`; one read
        each, all at once, with the source's own client."""


@runtime_checkable
class NoteDocuments(Protocol):
    """A source whose notes may be documents (PDFs) that clients download through the gateway."""

    def open_document(self, content: NoteContent, cap: int) -> AbstractAsyncContextManager[Download]:
        """The document streamed from the source's own server, with the source's own client;
        DocumentTooLarge past `cap` bytes (before any byte), UpstreamRejected if it is gone."""
