"""Building the next snapshot: the current one, plus a run's staged rows, merged by DuckDB.

Rows are upserted by record key (a source whose every unit was exported whole this run is
replaced whole); removed records are dropped; duplicates across sources are kept but only the
best-ranked copy is primary (`is_primary`), as the live view merges them; each person's primary
patient row carries the home facility of their most authoritative enrolment, and birth years of
anyone who may be over 89 are withheld against the build's year.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from .duck import connect, files_sql, relation
from .layout import MartLayout, write_json
from .staging import staged_files
from .tables import ENROLMENTS, PATIENTS, PERSON_TABLES, TABLES, Table

__all__ = ["build_snapshot", "snapshot_files"]

_KEEP = 2  # snapshots kept: the current one and the one before (readers may still use it)


def snapshot_files(layout: MartLayout, snapshot_id: str | None) -> dict[str, list[Path]]:
    """Each table's files in a snapshot (from its manifest; nothing for None)."""
    if snapshot_id is None:
        return {t.name: [] for t in TABLES}
    folder = layout.snapshot(snapshot_id)
    manifest = json.loads((folder / "manifest.json").read_text())
    return {t.name: [folder / f for f in manifest["tables"].get(t.name, {}).get("files", [])] for t in TABLES}


def _merged(table: Table, previous: list[Path], staged: list[Path], replaced: Collection[str]) -> str:
    """The table after the run: previous rows not replaced, then the run's latest rows not deleted."""
    fresh = f"""(SELECT * FROM ({_staged(table, staged)})
        QUALIFY row_number() OVER (PARTITION BY record_key ORDER BY seq DESC) = 1)"""
    gone = ", ".join("'" + s.replace("'", "''") + "'" for s in replaced)
    kept = f"p.source NOT IN ({gone})" if gone else "true"
    return f"""
        SELECT {', '.join(table.names)} FROM ({relation(table, previous)}) AS p
        WHERE {kept} AND NOT EXISTS (SELECT 1 FROM {fresh} AS f WHERE f.record_key = p.record_key)
        UNION ALL
        SELECT {', '.join(table.names)} FROM {fresh} WHERE NOT deleted"""


def _staged(table: Table, staged: list[Path]) -> str:
    """The run's staged rows of `table` (with `seq` and `deleted`), or none."""
    if not staged:
        empty = ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in table.columns)
        return f"SELECT {empty}, CAST(NULL AS BIGINT) AS seq, CAST(NULL AS BOOLEAN) AS deleted WHERE false"
    return f"SELECT * FROM read_parquet({files_sql(staged)}, union_by_name = true)"


def _primary(table: Table, merged: str) -> str:
    """`merged` with `is_primary` set on the best-ranked row of each duplicate group."""
    columns = [c if c != "is_primary" else
               "row_number() OVER (PARTITION BY person_key, coalesce(dedupe_key, record_key) "
               "ORDER BY rank, record_key) = 1 AS is_primary" for c in table.names]
    return f"SELECT {', '.join(columns)} FROM ({merged})"


def _patients(merged: str, reference_year: int) -> str:
    """Patients with the primary row per person, home facility, and 90+ birth years withheld."""
    year = int(reference_year)
    parts = {
        "is_primary": "row_number() OVER (PARTITION BY p.person_key ORDER BY p.rank, p.record_key) = 1",
        "birth_year": f"CASE WHEN p.birth_year IS NOT NULL AND {year} - p.birth_year >= 90 THEN NULL "
                      "ELSE p.birth_year END",
        "over_89": f"coalesce(p.over_89, false) OR (p.birth_year IS NOT NULL AND {year} - p.birth_year >= 90)",
        "home_source": "h.home_source",
        "home_facility": "h.home_facility",
    }
    select = ", ".join(f"{parts[c]} AS {c}" if c in parts else f"p.{c}" for c in PATIENTS.names)
    return f"SELECT {select} FROM ({merged}) AS p LEFT JOIN home AS h USING (person_key)"


def build_snapshot(
    layout: MartLayout,
    run_id: str,
    *,
    replaced: Collection[str],
    reference_year: int,
    sources: Mapping[str, Any],
) -> str:
    """Build, publish and return the next snapshot's id (older ones beyond the last two removed)."""
    previous = layout.current()
    before = snapshot_files(layout, previous)
    now = dt.datetime.now(dt.UTC)
    snapshot_id = now.strftime("%Y%m%dT%H%M%SZ-") + secrets.token_hex(3)
    building = layout.snapshots / f".{snapshot_id}"
    shutil.rmtree(building, ignore_errors=True)
    run = layout.staged(run_id)
    con = connect()
    try:
        manifest_tables: dict[str, Any] = {}
        order = [*PERSON_TABLES, *(t for t in TABLES if t not in PERSON_TABLES)]
        for table in order:
            merged = _merged(table, before[table.name], staged_files(run, table.name), replaced)
            if table is ENROLMENTS:
                con.execute(f"CREATE TEMP TABLE enrolments AS {merged}")
                con.execute("CREATE TEMP TABLE home AS SELECT person_key, source AS home_source, "
                            "facility_id AS home_facility FROM enrolments WHERE facility_id IS NOT NULL "
                            "QUALIFY row_number() OVER (PARTITION BY person_key ORDER BY rank, record_key) = 1")
                final = "SELECT * FROM enrolments"
            elif table is PATIENTS:
                final = "SELECT * FROM patients_merged"
                con.execute(f"CREATE TEMP TABLE patients_merged AS {merged}")
            elif table.name == "facilities":
                final = merged
            else:
                final = _primary(table, merged)
            if table is PATIENTS:
                continue  # written after the home facilities are known
            manifest_tables[table.name] = _write(con, final, building, table)
        con.execute(f"CREATE TEMP TABLE patients_final AS {_patients('SELECT * FROM patients_merged', reference_year)}")
        manifest_tables[PATIENTS.name] = _write(con, "SELECT * FROM patients_final", building, PATIENTS)
    finally:
        con.close()
    write_json(building / "manifest.json", {
        "id": snapshot_id, "built_at": now.isoformat(), "reference_year": reference_year,
        "sources": dict(sources), "tables": manifest_tables,
    })
    building.rename(layout.snapshot(snapshot_id))
    layout.publish(snapshot_id)
    _prune(layout, keep={snapshot_id, previous})
    return snapshot_id


def _write(con: Any, select: str, folder: Path, table: Table) -> dict[str, Any]:
    target = folder / table.name
    target.mkdir(parents=True, exist_ok=True)
    rows = int(con.execute(f"SELECT count(*) FROM ({select})").fetchone()[0])
    if rows:
        con.execute(f"COPY ({select} ORDER BY source, record_key) TO '{target}' "
                    "(FORMAT parquet, PARTITION_BY (source), OVERWRITE_OR_IGNORE true)")
    files = sorted(str(p.relative_to(folder)) for p in target.rglob("*.parquet"))
    return {"files": files, "rows": rows}


def _prune(layout: MartLayout, keep: set[str | None]) -> None:
    for folder in layout.snapshots.iterdir():
        if folder.name not in keep and not folder.name.startswith("."):
            shutil.rmtree(folder, ignore_errors=True)
