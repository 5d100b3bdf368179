"""The TOL archive as a Source: link by DoD ID, and read its five kinds of legacy record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

import asyncpg

from sources.base import DirectoryEntry, Page, Query
from sources.calls.observe import UpstreamObserver
from sources.errors import SourceError
from sources.records import Demographics, Link, PatientKey, Record, RecordKind, RecordSource

from . import mapping
from .batch import Batch, Mapper
from .client import TolClient
from .name import TOL_ARCHIVE
from .queries import ACCOUNTS, FACILITIES, FIND_ACCOUNTS, GET, LINK, PAGE, PROVIDERS

__all__ = ["TOL_KINDS", "TolSource"]

_MAPPERS: dict[RecordKind, Mapper] = {
    RecordKind.APPOINTMENT: mapping.appointment,
    RecordKind.LAB_RESULT: mapping.lab_result,
    RecordKind.PRESCRIPTION: mapping.prescription,
    RecordKind.MESSAGE_THREAD: mapping.message_thread,
    RecordKind.MESSAGE: mapping.message,
}

_ID_COLUMN: dict[RecordKind, str] = {
    RecordKind.APPOINTMENT: "appointment_id",
    RecordKind.LAB_RESULT: "result_id",
    RecordKind.PRESCRIPTION: "rx_id",
    RecordKind.MESSAGE_THREAD: "thread_id",
    RecordKind.MESSAGE: "message_id",
}


TOL_KINDS: frozenset[RecordKind] = frozenset(_MAPPERS)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TolSource:
    """The legacy TRICARE Online archive (PostgreSQL, read-only); one statement per call."""

    name: ClassVar[RecordSource] = TOL_ARCHIVE
    provides: ClassVar[frozenset[RecordKind]] = TOL_KINDS

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], observer: UpstreamObserver) -> None:
        self._client = TolClient(pool, observer)

    async def check(self) -> None:
        """Raise SourceTimeout / SourceUnavailable unless the archive answers `SELECT 1`."""
        await self._client.fetch("check", "SELECT 1")

    async def link(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        """Each DoD ID's archive account (one query for all), aligned with `patients`."""
        if not patients:
            return []
        dod_ids = list(dict.fromkeys(p.dod_id for p in patients))
        try:
            rows = await self._client.fetch(RecordKind.PATIENT.value, LINK, dod_ids)
        except SourceError as exc:
            return [exc] * len(patients)
        by_dod_id = {row["dod_id"].strip(): row for row in rows}
        return [mapping.link(p.dod_id, by_dod_id.get(p.dod_id)) for p in patients]

    async def fetch(self, kind: RecordKind, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        """One page per query, all in one statement, aligned with `queries`."""
        mapper = _MAPPERS.get(kind)
        if mapper is None:
            return [Page(items=(), has_more=False, total=0 if q.page.want_total else None) for q in queries]
        batch = Batch(queries)
        if not batch.asked:
            return batch.pages([], mapper, _now())
        retrieved_at = _now()
        try:
            rows = await self._client.fetch(kind.value, PAGE[kind], *batch.arrays(), retrieved_at.date())
        except SourceError as exc:
            return [exc] * len(queries)
        return batch.pages(rows, mapper, retrieved_at)

    async def get(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[Record | SourceError | None]:
        """Records by their archive ids, aligned with `ids` (None: no such record here)."""
        mapper = _MAPPERS.get(kind)
        if mapper is None or not ids:
            return [None] * len(ids)
        retrieved_at = _now()
        try:
            rows = await self._client.fetch(kind.value, GET[kind], list(dict.fromkeys(ids)))
        except SourceError as exc:
            return [exc] * len(ids)
        column = _ID_COLUMN[kind]
        found = {row[column]: mapper(row, retrieved_at) for row in rows}
        return [found.get(record_id) for record_id in ids]

    async def patients(self, ids: Sequence[str]) -> Sequence[Demographics | SourceError | None]:
        """Accounts by account id (one query), as Demographics aligned with `ids`."""
        if not ids:
            return []
        try:
            rows = await self._client.fetch(RecordKind.PATIENT.value, ACCOUNTS, list(dict.fromkeys(ids)))
        except SourceError as exc:
            return [exc] * len(ids)
        found = {row["account_id"]: mapping.link(row["dod_id"].strip(), row).demographics for row in rows}
        return [found.get(i) for i in ids]

    async def find_patients(self, who: Demographics) -> Sequence[Demographics]:
        """Accounts with `who`'s family name and birth date (one query)."""
        if who.birth_date is None or not who.name.family:
            return []
        rows = await self._client.fetch(RecordKind.PATIENT.value, FIND_ACCOUNTS, who.name.family, who.birth_date)
        found = [mapping.link(row["dod_id"].strip(), row).demographics for row in rows]
        return [d for d in found if d is not None and (who.gender is None or d.gender in (None, who.gender))]

    async def directory(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[DirectoryEntry | SourceError | None]:
        """Facilities from `tol.facilities`; practitioners by the provider names records carry."""
        if not ids:
            return []
        found: dict[str, DirectoryEntry | None] = {}
        try:
            if kind is RecordKind.FACILITY:
                rows = await self._client.fetch(kind.value, FACILITIES, list(dict.fromkeys(ids)))
                today = _now().date()
                found = {row["facility_id"]: mapping.facility(row, today) for row in rows}
            elif kind is RecordKind.PRACTITIONER:
                names = {i: n for i in ids if (n := mapping.provider_name(i))}
                if names:
                    rows = await self._client.fetch(kind.value, PROVIDERS, sorted(set(names.values())))
                    known = {row["name"] for row in rows}
                    found = {i: mapping.person(n) for i, n in names.items() if n in known}
        except SourceError as exc:
            return [exc] * len(ids)
        return [found.get(i) for i in ids]
