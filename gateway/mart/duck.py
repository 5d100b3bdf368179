"""DuckDB, embedded and offline: the bundled Parquet reader and writer, no extension ever fetched."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from .tables import Table

__all__ = ["connect", "files_sql", "relation"]


def connect(threads: int = 2) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that never installs or loads an extension from the internet."""
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False,
                                             "threads": threads})
    return con


def files_sql(files: Sequence[Path]) -> str:
    """A SQL list literal of file paths (paths are ours: no quote can be in them, but escape anyway)."""
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


def relation(table: Table, files: Sequence[Path], *, hive: bool = True) -> str:
    """A SELECT of `table`'s columns from `files` (Hive-partitioned by source), or an empty one."""
    if not files:
        empty = ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in table.columns)
        return f"SELECT {empty} WHERE false"
    options = ", hive_partitioning = true" if hive else ", union_by_name = true"
    return f"SELECT {', '.join(table.names)} FROM read_parquet({files_sql(files)}{options})"
