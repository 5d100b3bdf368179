"""The migration runner: order, bookkeeping, idempotence, rollback, drift and concurrency."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import asyncpg
import pytest

from gateway.store.migrations_runner import (
    MigrationChanged,
    MigrationError,
    MigrationFailed,
    apply_migrations,
)

_counter = itertools.count()


def make_package(root: Path, files: dict[str, str]) -> str:
    """Write an importable package of SQL files under `root`; return its dotted name."""
    name = f"migrations_under_test_{next(_counter)}"
    folder = root / name
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for filename, sql in files.items():
        (folder / filename).write_text(sql)
    return name


@pytest.fixture
def packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


async def test_applies_in_version_order_once(packages: Path, fresh_db: str) -> None:
    package = make_package(
        packages,
        {
            "0002_add_column.sql": "ALTER TABLE app.things ADD COLUMN label text;",
            "0001_create.sql": "CREATE SCHEMA IF NOT EXISTS app; CREATE TABLE app.things (id int);",
            "README.txt": "not a migration",
            "notes.sql": "SELECT 1/0;",
        },
    )
    conn = await asyncpg.connect(fresh_db)
    try:
        first = await apply_migrations(conn, package, schema_table="app.schema_migrations")
        second = await apply_migrations(conn, package, schema_table="app.schema_migrations")
        rows = await conn.fetch("SELECT version, name FROM app.schema_migrations ORDER BY 1")
        await conn.execute("INSERT INTO app.things (id, label) VALUES (1, 'x')")
    finally:
        await conn.close()
    assert first == ["0001_create", "0002_add_column"]
    assert second == []
    assert [(r["version"], r["name"]) for r in rows] == [("0001", "create"), ("0002", "add_column")]


async def test_new_file_is_applied_later(packages: Path, fresh_db: str) -> None:
    package = make_package(packages, {"0001_create.sql": "CREATE TABLE public.t (id int);"})
    conn = await asyncpg.connect(fresh_db)
    try:
        assert await apply_migrations(conn, package, schema_table="public.mig") == ["0001_create"]
        (packages / package / "0002_more.sql").write_text("CREATE TABLE public.u (id int);")
        assert await apply_migrations(conn, package, schema_table="public.mig") == ["0002_more"]
    finally:
        await conn.close()


async def test_failed_migration_leaves_nothing_behind(packages: Path, fresh_db: str) -> None:
    package = make_package(
        packages,
        {
            "0001_ok.sql": "CREATE TABLE public.kept (id int);",
            "0002_broken.sql": "CREATE TABLE public.half (id int); SELECT * FROM no_such_table;",
        },
    )
    conn = await asyncpg.connect(fresh_db)
    try:
        with pytest.raises(MigrationFailed) as caught:
            await apply_migrations(conn, package, schema_table="public.mig")
        versions = await conn.fetchval("SELECT array_agg(version) FROM public.mig")
        half = await conn.fetchval("SELECT to_regclass('public.half')")
        kept = await conn.fetchval("SELECT to_regclass('public.kept')")
    finally:
        await conn.close()
    assert caught.value.version == "0002_broken"
    assert versions == ["0001"]
    assert half is None
    assert kept is not None


async def test_edited_applied_migration_is_refused(packages: Path, fresh_db: str) -> None:
    package = make_package(packages, {"0001_create.sql": "CREATE TABLE public.t (id int);"})
    conn = await asyncpg.connect(fresh_db)
    try:
        await apply_migrations(conn, package, schema_table="public.mig")
        (packages / package / "0001_create.sql").write_text("CREATE TABLE public.t (id bigint);")
        with pytest.raises(MigrationChanged) as caught:
            await apply_migrations(conn, package, schema_table="public.mig")
    finally:
        await conn.close()
    assert caught.value.version == "0001_create"


async def test_duplicate_version_is_refused(packages: Path, fresh_db: str) -> None:
    package = make_package(packages, {"0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 2;"})
    conn = await asyncpg.connect(fresh_db)
    try:
        with pytest.raises(MigrationError, match="0001 appears twice"):
            await apply_migrations(conn, package, schema_table="public.mig")
    finally:
        await conn.close()


async def test_bad_schema_table_is_refused(packages: Path, fresh_db: str) -> None:
    package = make_package(packages, {"0001_a.sql": "SELECT 1;"})
    conn = await asyncpg.connect(fresh_db)
    try:
        with pytest.raises(MigrationError, match=r"schema\.table"):
            await apply_migrations(conn, package, schema_table='x"; DROP TABLE y; --')
    finally:
        await conn.close()


async def test_concurrent_runners_apply_each_migration_once(packages: Path, fresh_db: str) -> None:
    # Without the lock the second runner would fail on "relation already exists".
    package = make_package(
        packages,
        {
            "0001_slow.sql": "SELECT pg_sleep(0.2); CREATE TABLE public.once (id int);",
            "0002_more.sql": "CREATE TABLE public.twice (id int);",
        },
    )
    a, b = await asyncpg.connect(fresh_db), await asyncpg.connect(fresh_db)
    try:
        results = await asyncio.gather(
            apply_migrations(a, package, schema_table="public.mig"),
            apply_migrations(b, package, schema_table="public.mig"),
        )
        count = await a.fetchval("SELECT count(*) FROM public.mig")
    finally:
        await a.close()
        await b.close()
    assert sorted(results, key=len) == [[], ["0001_slow", "0002_more"]]
    assert count == 2
