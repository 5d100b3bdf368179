"""The TOL archive for the mart: every account and record, read by SQL in keyset chunks.

One unit, "archive", read table by table (facilities, accounts, then appointments, labs,
prescriptions; secure messages are free text and never exported); each chunk is a batch whose
checkpoint is the table and the last row id read. The archive is frozen since TOL's sunset and
keeps no change times, so an increment (`since`) reads nothing: a full export re-reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, Final

import asyncpg

from ..calls.observe import UpstreamObserver
from ..export import ExportBatch, ExportedPatient, Removed
from ..records import FacilityRecord, Record, RecordKind
from . import mapping
from .client import TolClient
from .name import TOL_ARCHIVE
from .queries import SHAPES

__all__ = ["ARCHIVE", "TolExport"]

ARCHIVE = "archive"
_CHUNK = 2000
_KINDS: Final = (RecordKind.APPOINTMENT, RecordKind.LAB_RESULT, RecordKind.PRESCRIPTION)
_MAPPERS: Final[dict[RecordKind, Callable[[Any, dt.datetime], Record]]] = {
    RecordKind.APPOINTMENT: mapping.appointment,
    RecordKind.LAB_RESULT: mapping.lab_result,
    RecordKind.PRESCRIPTION: mapping.prescription,
}
_FACILITIES = "SELECT facility_id, name AS facility_name, genesis_go_live FROM tol.facilities ORDER BY facility_id"
_ACCOUNTS = """
SELECT a.account_id, a.dod_id, a.given_name, a.family_name, a.birth_date, a.gender,
       h.name AS organization, a.home_facility AS facility_id, h.name AS facility_name, h.genesis_go_live
FROM tol.accounts a LEFT JOIN tol.facilities h ON h.facility_id = a.home_facility
WHERE a.account_id > $1 ORDER BY a.account_id LIMIT $2
"""


def _rows(kind: RecordKind) -> str:
    shape = SHAPES[kind]
    return f"""
SELECT {shape.columns}, ({shape.live}) AS live_row
FROM {shape.tables}
WHERE {shape.row_id} > $1 ORDER BY {shape.row_id} LIMIT $2
"""


_ROWS: Final = {kind: _rows(kind) for kind in _KINDS}
_STEPS: Final = ("accounts", *(k.value for k in _KINDS))


class TolExport:
    """`RecordExport` over the archive's tables."""

    source = TOL_ARCHIVE

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], observer: UpstreamObserver) -> None:
        self._client = TolClient(pool, observer)

    def units(self) -> Sequence[str]:
        return (ARCHIVE,)

    async def export(
        self, unit: str, *, since: dt.datetime | None = None, resume: Mapping[str, Any] | None = None
    ) -> AsyncIterator[ExportBatch]:
        if unit != ARCHIVE:
            raise ValueError(f"the TOL archive has one unit, {ARCHIVE!r}")
        started = dt.datetime.fromisoformat(resume["started"]) if resume else dt.datetime.now(dt.UTC)
        if since is not None and not resume:  # frozen: nothing has changed since
            yield ExportBatch(checkpoint={"done": True}, as_of=started, done=True)
            return
        mark = {"started": started.isoformat()}
        step, after = (resume["step"], resume["after"]) if resume else (None, "")
        if step is None:
            places = await self._facilities(started.date())
            yield ExportBatch(places=places, checkpoint={**mark, "step": _STEPS[0], "after": ""})
            step = _STEPS[0]
        for name in _STEPS[_STEPS.index(step):]:
            while True:
                batch, last = await self._chunk(name, after, started)
                if last is None:
                    break
                after = last
                yield ExportBatch(batch.patients, batch.records, batch.removed, batch.places,
                                  checkpoint={**mark, "step": name, "after": after})
            after = ""
        yield ExportBatch(checkpoint={**mark, "done": True}, as_of=started, done=True)

    async def _facilities(self, today: dt.date) -> tuple[FacilityRecord, ...]:
        rows = await self._client.fetch("export", _FACILITIES)
        return tuple(f for row in rows if (f := mapping.facility(row, today)) is not None)

    async def _chunk(self, step: str, after: str, started: dt.datetime) -> tuple[ExportBatch, str | None]:
        """One chunk of `step` after row id `after`, and the last id read (None: the table is done)."""
        if step == "accounts":
            rows = await self._client.fetch("export", _ACCOUNTS, after, _CHUNK)
            patients = tuple(self._patient(row, started.date()) for row in rows)
            return ExportBatch(patients=patients), (rows[-1]["account_id"] if rows else None)
        kind = RecordKind(step)
        rows = await self._client.fetch("export", _ROWS[kind], after, _CHUNK)
        records: list[Record] = []
        removed: list[Removed] = []
        id_column = SHAPES[kind].row_id.split(".", 1)[1]
        for row in rows:
            if row["live_row"]:
                records.append(_MAPPERS[kind](row, started))
            else:
                removed.append(Removed(kind, row[id_column]))
        return ExportBatch(records=tuple(records), removed=tuple(removed)), (rows[-1]["row_id"] if rows else None)

    @staticmethod
    def _patient(row: asyncpg.Record, today: dt.date) -> ExportedPatient:
        link = mapping.link(row["dod_id"].strip(), row)
        assert link.demographics is not None
        return ExportedPatient(row["account_id"], link.demographics, mapping.facility(row, today))
