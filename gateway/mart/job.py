"""The export job: every source's units, batch by batch, linked, de-identified, staged; then built.

State lives in `work/state.json` (checkpoints only, no PHI): a run killed at any point is
resumed by the next one, unit by unit from each unit's last checkpoint. A unit that was
completed before is read incrementally (`since` its last as-of) unless the run is `full`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import secrets
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sources.export import ExportLost, RecordExport
from sources.records import RecordSource
from sources.registry import rank_of

from .build import build_snapshot
from .layout import MartLayout
from .linking import Linker
from .rows import RowMaker
from .staging import stage

__all__ = ["ExportJob", "JobReport"]

_log = logging.getLogger("gateway.mart")
_SAFE = re.compile(r"[^A-Za-z0-9.-]")


@dataclass(frozen=True)
class JobReport:
    """What one run did."""

    snapshot_id: str
    seconds: float
    full: bool
    batches: int
    rows: Mapping[str, int]  # staged rows per source


class ExportJob:
    """One mart's export job over the sources that export."""

    def __init__(
        self,
        layout: MartLayout,
        exports: Mapping[RecordSource, RecordExport],
        linker: Linker,
        mart_key: bytes,
    ) -> None:
        self._layout = layout
        self._exports = exports
        self._linker = linker
        self._key = mart_key
        self.batches = 0  # batches staged by this job object (all runs)

    async def run(self, *, full: bool = False) -> JobReport:
        """Resume the unfinished run, or start one (`full`: no increments), and build its snapshot."""
        started = time.perf_counter()
        with self._layout.locked():
            state = self._layout.read_state()
            run = state.get("run") or self._new_run(state, full)
            state["run"] = run
            self._layout.write_state(state)
            ranked = sorted(self._exports, key=rank_of)
            # Sources side by side; a source's units one after another (Millennium runs one export
            # per client at a time).
            counts = await asyncio.gather(*(self._source(state, source) for source in ranked))
            rows: dict[str, int] = {str(source): n for source, n in zip(ranked, counts, strict=True)}
            snapshot_id = await asyncio.to_thread(self._build, state)
        return JobReport(snapshot_id, time.perf_counter() - started, bool(run["full"]), run["batches"], rows)

    async def _source(self, state: dict[str, Any], source: RecordSource) -> int:
        export = self._exports[source]
        staged = 0
        for unit in export.units():
            staged += await self._unit(state, source, export, unit)
        return staged

    def _new_run(self, state: dict[str, Any], full: bool) -> dict[str, Any]:
        completed = state.get("completed", {}) if not full else {}
        units = {
            _key(source, unit): {"since": completed.get(source, {}).get(unit), "checkpoint": None, "seq": 0,
                                 "done": False, "as_of": None}
            for source, export in self._exports.items() for unit in export.units()
        }
        run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
        return {"id": run_id, "full": full or not completed, "units": units, "batches": 0,
                "reference_year": dt.date.today().year}

    async def _unit(self, state: dict[str, Any], source: RecordSource, export: RecordExport, unit: str) -> int:
        run = state["run"]
        entry = run["units"].setdefault(_key(source, unit), {"since": None, "checkpoint": None, "seq": 0,
                                                             "done": False, "as_of": None})
        if entry["done"]:
            return 0
        for attempt in range(2):
            try:
                return await self._read(state, source, export, unit, entry)
            except ExportLost:  # an export the server dropped (expired, deleted): start it again
                if attempt or entry["checkpoint"] is None:
                    raise
                _log.warning("mart export: the server dropped an export; kicking it off again",
                             extra={"source": source, "unit": unit})
                shutil.rmtree(self._folder(run["id"], source, unit), ignore_errors=True)
                entry.update({"checkpoint": None, "seq": 0})
        return 0

    async def _read(
        self, state: dict[str, Any], source: RecordSource, export: RecordExport, unit: str, entry: dict[str, Any]
    ) -> int:
        run = state["run"]
        maker = RowMaker(source, self._key, int(run["reference_year"]))
        folder = self._folder(run["id"], source, unit)
        since = dt.datetime.fromisoformat(entry["since"]) if entry["since"] else None
        staged = 0
        async for batch in export.export(unit, since=since, resume=entry["checkpoint"]):
            persons = await (self._linker.link(source, batch.patients) if batch.patients
                             else self._linker.persons(source))
            seq = entry["seq"] + 1
            rows = maker.rows(batch, persons, seq)
            if rows.count():
                await asyncio.to_thread(stage, folder, seq, rows)
            staged += rows.count()
            entry.update({"seq": seq, "checkpoint": dict(batch.checkpoint)})
            if batch.done:
                entry.update({"done": True, "as_of": batch.as_of.isoformat() if batch.as_of else None})
            run["batches"] += 1
            self.batches += 1
            self._layout.write_state(state)
        return staged

    def _folder(self, run_id: str, source: str, unit: str) -> Any:
        return self._layout.staged(run_id) / _SAFE.sub("_", source) / _SAFE.sub("_", unit)

    def _build(self, state: dict[str, Any]) -> str:
        run = state["run"]
        units = run["units"]
        by_source: dict[str, dict[str, Any]] = {}
        for key, entry in units.items():
            source, unit = key.split("|", 1)
            by_source.setdefault(source, {})[unit] = entry
        replaced = [s for s, u in by_source.items() if all(e["since"] is None for e in u.values())]
        meta = {s: {"as_of": min((e["as_of"] for e in u.values() if e["as_of"]), default=None),
                    "units": sorted(u)} for s, u in by_source.items()}
        snapshot_id = build_snapshot(self._layout, run["id"], replaced=replaced,
                                     reference_year=int(run["reference_year"]), sources=meta)
        completed = state.setdefault("completed", {})
        for source, entries in by_source.items():
            for unit, entry in entries.items():
                if entry["as_of"]:
                    completed.setdefault(source, {})[unit] = entry["as_of"]
        shutil.rmtree(self._layout.staged(run["id"]), ignore_errors=True)
        del state["run"]
        self._layout.write_state(state)
        return snapshot_id


def _key(source: str, unit: str) -> str:
    return f"{source}|{unit}"
