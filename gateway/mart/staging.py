"""Staged rows: each batch's de-identified rows as small Parquet files, until the run is built."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .rows import Rows
from .tables import TABLES, Table

__all__ = ["SCHEMAS", "stage", "staged_files"]

_ARROW = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_()}


def _schema(table: Table) -> Any:
    fields = [pa.field(c.name, _ARROW[c.type]) for c in table.columns]
    return pa.schema([*fields, pa.field("seq", pa.int64()), pa.field("deleted", pa.bool_())])


SCHEMAS: dict[str, Any] = {t.name: _schema(t) for t in TABLES}


def stage(folder: Path, seq: int, rows: Rows) -> None:
    """Write one batch's rows under `folder` as `<seq>.<table>.parquet` (whole files only)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, items in rows.tables.items():
        schema = SCHEMAS[name]
        columns = {f.name: [row.get(f.name) for row in items] for f in schema}
        target = folder / f"{seq:06d}.{name}.parquet"
        part = target.with_name(target.name + ".part")
        pq.write_table(pa.table(columns, schema=schema), part)
        os.replace(part, target)


def staged_files(run: Path, table: str) -> list[Path]:
    """Every staged file of `table` in the run (any source, any unit)."""
    return sorted(run.glob(f"*/*/[0-9]*.{table}.parquet")) if run.is_dir() else []
