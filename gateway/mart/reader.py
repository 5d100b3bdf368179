"""The mart's reader for the resolvers (`CohortMart`): DuckDB over the current snapshot's Parquet.

Queries run in a worker thread (DuckDB blocks) on a cursor of one in-memory database whose views
point at the current snapshot's files; when the export job publishes a new snapshot, the next
query re-points the views. Nothing is cached between snapshots but the views themselves.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from resolvers.deid.ages import AgeBand
from resolvers.ports import (
    CohortCounts,
    CohortMember,
    CohortQuery,
    Dimension,
    MartFreshness,
    Place,
    StoreError,
)
from sources.records import CareService, FacilityRecord

from .build import snapshot_files
from .duck import connect, relation
from .layout import MartLayout
from .queries import cohort_sql, count_sql
from .tables import TABLES

__all__ = ["MartReadError", "MartReader"]

_SEXES: tuple[str | None, ...] = ("female", "male", "other", "unknown", None)


class MartReadError(StoreError):
    """The mart's files could not be read."""


class MartReader:
    """`CohortMart` over one mart folder."""

    def __init__(self, root: Path) -> None:
        self._layout = MartLayout(root)
        self._con = connect()
        self._lock = threading.Lock()
        self._loaded: str | None = None
        self._manifest: dict[str, Any] = {}

    def close(self) -> None:
        self._con.close()

    def _refresh(self) -> str | None:
        """Point the views at the current snapshot (if it changed); its id, or None."""
        try:
            return self._repoint()
        except (OSError, ValueError, KeyError, duckdb.Error) as exc:
            raise MartReadError("mart snapshot", type(exc).__name__) from exc

    def _repoint(self) -> str | None:
        current = self._layout.current()
        with self._lock:
            if current is None or current == self._loaded:
                return current
            files = snapshot_files(self._layout, current)
            for table in TABLES:
                self._con.execute(f"CREATE OR REPLACE VIEW {table.name} AS {relation(table, files[table.name])}")
            self._manifest = json.loads((self._layout.snapshot(current) / "manifest.json").read_text())
            self._loaded = current
            return current

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._con.cursor()
        try:
            return cursor.execute(sql, list(params)).fetchall()
        except duckdb.Error as exc:
            raise MartReadError("mart query", type(exc).__name__) from exc
        finally:
            cursor.close()

    async def freshness(self) -> MartFreshness | None:
        return await asyncio.to_thread(self._freshness)

    def _freshness(self) -> MartFreshness | None:
        if self._refresh() is None:
            return None
        manifest = self._manifest
        sources = {name: (dt.datetime.fromisoformat(meta["as_of"]) if meta.get("as_of") else None)
                   for name, meta in manifest.get("sources", {}).items()}
        return MartFreshness(manifest["id"], dt.datetime.fromisoformat(manifest["built_at"]),
                             int(manifest["reference_year"]), sources)

    def _year(self) -> int:
        return int(self._manifest["reference_year"])

    async def count(self, query: CohortQuery, dimensions: Sequence[Dimension]) -> CohortCounts:
        return await asyncio.to_thread(self._count, query, tuple(dimensions))

    def _count(self, query: CohortQuery, dimensions: tuple[Dimension, ...]) -> CohortCounts:
        self._refresh()
        sql, params = count_sql(query, (), self._year())
        total = int(self._run(sql, params)[0][0])
        cells: list[tuple[tuple[str | None, ...], int]] = []
        if dimensions:
            sql, params = count_sql(query, dimensions, self._year())
            cells = [(tuple(row[:-1]), int(row[-1])) for row in self._run(sql, params)]
        places = self._places()
        return CohortCounts(total, cells, {d: self._domain(d, places) for d in dimensions}, places)

    def _domain(self, dimension: Dimension, places: dict[str, Place]) -> tuple[str | None, ...]:
        if dimension is Dimension.SEX:
            return _SEXES
        if dimension is Dimension.AGE_BAND:
            return (*(b.value for b in AgeBand), None)
        if dimension is Dimension.SERVICE:
            return (*(s.value for s in CareService), None)
        homes = self._run("SELECT DISTINCT home_source || ':' || home_facility FROM patients "
                          "WHERE is_primary AND home_facility IS NOT NULL ORDER BY 1")
        return (*(str(row[0]) for row in homes), None)

    def _places(self) -> dict[str, Place]:
        rows = self._run("SELECT source, facility_id, name, on_genesis FROM facilities")
        found = {f"{s}:{i}": Place(s, FacilityRecord(i, n, bool(g))) for s, i, n, g in rows}
        homes = self._run("SELECT DISTINCT home_source, home_facility FROM patients WHERE home_facility IS NOT NULL")
        for source, facility in homes:  # a facility no export named: its id is all the mart knows
            found.setdefault(f"{source}:{facility}", Place(source, FacilityRecord(facility, facility, False)))
        return found

    async def members(self, query: CohortQuery) -> list[CohortMember]:
        return await asyncio.to_thread(self._members, query)

    def _members(self, query: CohortQuery) -> list[CohortMember]:
        self._refresh()
        sql, params = cohort_sql(query, self._year())
        return [CohortMember(str(k), s, a, f) for k, s, a, f in self._run(sql, params)]
