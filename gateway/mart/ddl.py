"""Tables over the current snapshot for engines that outgrow one machine: Trino (Hive) and Spark.

The snapshot's folders are plain Hive-partitioned Parquet (`<table>/source=<S>/*.parquet`), so
both engines read them where they are: copy or sync the mart folder to object storage and point
`location` at it. After each refresh, run the statements again (they re-point every table at the
new snapshot; dropping an external table never deletes its files).
"""

from __future__ import annotations

from .tables import TABLES, Table

__all__ = ["ENGINES", "ddl"]

ENGINES = ("trino", "spark")
_TRINO_TYPES = {"VARCHAR": "varchar", "INTEGER": "integer", "DOUBLE": "double", "BOOLEAN": "boolean"}


def _trino(table: Table, location: str, schema: str, catalog: str) -> list[str]:
    columns = ",\n  ".join(f"{c.name} {_TRINO_TYPES[c.type]}" for c in table.columns)
    name = f"{catalog}.{schema}.{table.name}"
    return [
        f"DROP TABLE IF EXISTS {name};",
        f"CREATE TABLE {name} (\n  {columns}\n)\nWITH (external_location = '{location}/{table.name}', "
        "format = 'PARQUET', partitioned_by = ARRAY['source']);",
        f"CALL {catalog}.system.sync_partition_metadata('{schema}', '{table.name}', 'FULL');",
    ]


def _spark(table: Table, location: str, schema: str) -> list[str]:
    name = f"{schema}.{table.name}"
    return [
        f"DROP TABLE IF EXISTS {name};",
        f"CREATE TABLE {name} USING parquet LOCATION '{location}/{table.name}';",
        f"MSCK REPAIR TABLE {name};",
    ]


def ddl(engine: str, location: str, *, schema: str = "mhs_mart", catalog: str = "hive") -> str:
    """The statements that (re)create every mart table over the snapshot at `location`."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
    location = location.rstrip("/")
    head = [f"CREATE SCHEMA IF NOT EXISTS {catalog}.{schema};" if engine == "trino"
            else f"CREATE DATABASE IF NOT EXISTS {schema};"]
    body = [s for t in TABLES for s in (_trino(t, location, schema, catalog) if engine == "trino"
                                        else _spark(t, location, schema))]
    return "\n".join([*head, *body]) + "\n"
