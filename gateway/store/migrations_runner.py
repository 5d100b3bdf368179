"""A tiny versioned migration runner: `NNNN_name.sql` files from a package, applied once each."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import asyncpg

__all__ = [
    "Migration",
    "MigrationChanged",
    "MigrationError",
    "MigrationFailed",
    "apply_migrations",
    "discover",
]

_FILE = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")
_TABLE = re.compile(r"^(?P<schema>[a-z_][a-z0-9_]*)\.(?P<table>[a-z_][a-z0-9_]*)$")


class MigrationError(Exception):
    """Base of the runner's errors; `package` names the migration set."""

    def __init__(self, package: str, detail: str) -> None:
        self.package = package
        self.detail = detail
        super().__init__(f"migrations {package}: {detail}")


class MigrationFailed(MigrationError):
    """One migration's SQL failed; nothing of it was kept."""

    def __init__(self, package: str, version: str, cause: str) -> None:
        self.version = version
        super().__init__(package, f"{version} failed: {cause}")


class MigrationChanged(MigrationError):
    """A migration already applied no longer matches its file."""

    def __init__(self, package: str, version: str) -> None:
        self.version = version
        super().__init__(package, f"{version} was applied but its file has changed since")


@dataclass(frozen=True, slots=True)
class Migration:
    """One SQL file: `version` is its four digits, `sql` its text."""

    version: str
    name: str
    sql: str

    @property
    def label(self) -> str:
        return f"{self.version}_{self.name}"

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(package: str) -> list[Migration]:
    """The package's migration files in version order; a repeated version is an error."""
    found: dict[str, Migration] = {}
    for entry in resources.files(package).iterdir():
        match = _FILE.match(entry.name)
        if match is None or not entry.is_file():
            continue
        version = match["version"]
        if version in found:
            raise MigrationError(package, f"version {version} appears twice")
        found[version] = Migration(version, match["name"], entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def _lock_key(schema_table: str) -> int:
    """A stable signed 64-bit advisory-lock key for one migration table."""
    digest = hashlib.sha256(f"migrate:{schema_table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def apply_migrations(conn: asyncpg.Connection[Any], package: str, *, schema_table: str) -> list[str]:
    """Apply the package's pending migrations in order; return the labels applied now.

    Applied versions are recorded in `schema_table` ("schema.table"), created if missing.
    A session advisory lock keyed by the table serialises concurrent runners; each
    migration runs in its own transaction together with its bookkeeping row.
    """
    match = _TABLE.match(schema_table)
    if match is None:
        raise MigrationError(package, "schema_table must look like 'schema.table' (lower case)")
    table = f'"{match["schema"]}"."{match["table"]}"'
    migrations = discover(package)
    key = _lock_key(schema_table)
    await conn.execute("SELECT pg_advisory_lock($1)", key)
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{match["schema"]}"')
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            " version text PRIMARY KEY,"
            " name text NOT NULL,"
            " checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        rows = await conn.fetch(f"SELECT version, checksum FROM {table}")
        done = {r["version"]: r["checksum"] for r in rows}
        applied: list[str] = []
        for migration in migrations:
            if migration.version in done:
                if done[migration.version] != migration.checksum:
                    raise MigrationChanged(package, migration.label)
                continue
            try:
                async with conn.transaction():
                    await conn.execute(migration.sql)
                    await conn.execute(
                        f"INSERT INTO {table} (version, name, checksum) VALUES ($1, $2, $3)",
                        migration.version,
                        migration.name,
                        migration.checksum,
                    )
            except asyncpg.PostgresError as exc:
                cause = f"{type(exc).__name__}: {exc}"
                raise MigrationFailed(package, migration.label, cause) from exc
            applied.append(migration.label)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", key)
