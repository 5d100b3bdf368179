"""Reading a mart's current snapshot back, table by table, as sets of rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from gateway.mart import MartLayout
from gateway.mart.build import snapshot_files
from gateway.mart.duck import relation
from gateway.mart.tables import TABLES


def rows(mart_dir: Path) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table of the current snapshot."""
    layout = MartLayout(mart_dir)
    files = snapshot_files(layout, layout.current())
    con = duckdb.connect()
    try:
        return {t.name: set(con.execute(relation(t, files[t.name])).fetchall()) for t in TABLES}
    finally:
        con.close()


def text_of(mart_dir: Path) -> bytes:
    """Every byte the mart folder holds (snapshots, staged rows, state), for looking for PHI in."""
    return b"".join(p.read_bytes() for p in sorted(mart_dir.rglob("*")) if p.is_file())
