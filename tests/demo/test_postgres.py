"""The embedded PostgreSQL server: starts, answers, stops, and leaves nothing behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import asyncpg
import psutil
import pytest

from gateway.demo.databases import create_database, drop_database, unique_database_name
from gateway.demo.postgres import TEMP_PREFIX, EmbeddedPostgres, sweep_stale_folders
from gateway.demo.servers import ExternalPostgres, postgres_server


async def test_embedded_server_answers_queries_then_vanishes() -> None:
    async with EmbeddedPostgres() as pg:
        root, pid, port = pg.root, pg.pid, pg.port
        assert root is not None and pid is not None
        assert str(root).startswith("/tmp/")
        conn = await asyncpg.connect(pg.dsn("postgres"))
        try:
            assert await conn.fetchval("SELECT 1 + 1") == 2
            assert await conn.fetchval("SHOW TimeZone") == "UTC"
        finally:
            await conn.close()
    assert not root.exists()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    with pytest.raises(OSError):
        await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", timeout=2)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root needs a separate service user")
async def test_as_root_the_server_runs_as_an_unprivileged_user() -> None:
    async with EmbeddedPostgres() as pg:
        assert pg.pid is not None
        assert psutil.Process(pg.pid).uids().effective != 0


async def test_two_servers_run_side_by_side_on_their_own_ports() -> None:
    async with EmbeddedPostgres() as first, EmbeddedPostgres() as second:
        assert first.port != second.port
        assert first.root != second.root
        for server in (first, second):
            conn = await asyncpg.connect(server.dsn())
            await conn.close()


async def test_stop_is_safe_to_repeat() -> None:
    pg = EmbeddedPostgres()
    await pg.start()
    await pg.stop()
    await pg.stop()
    assert pg.root is None


async def test_postgres_server_prefers_the_url_it_is_given(pg_admin_dsn: str) -> None:
    async with postgres_server(pg_admin_dsn) as server:
        assert isinstance(server, ExternalPostgres)
        conn = await asyncpg.connect(server.dsn("postgres"))
        await conn.close()


async def test_postgres_server_without_url_runs_an_embedded_one() -> None:
    async with postgres_server(None) as server:
        assert isinstance(server, EmbeddedPostgres)
        root = server.root
        assert root is not None and root.exists()
    assert not root.exists()


def test_external_dsn_keeps_credentials_and_options_but_swaps_the_database() -> None:
    server = ExternalPostgres("postgresql://u:secret@db.example:6543/app?sslmode=require")
    assert server.dsn("tol_archive") == ("postgresql://u:secret@db.example:6543/tol_archive?sslmode=require")
    with pytest.raises(ValueError, match="postgresql"):
        ExternalPostgres("mysql://db.example/app")


async def test_databases_are_created_empty_and_dropped_even_when_in_use(pg_admin_dsn: str) -> None:
    name = unique_database_name("pgtest")
    await create_database(pg_admin_dsn, name)
    holder = await asyncpg.connect(ExternalPostgres(pg_admin_dsn).dsn(name))
    try:
        tables = await holder.fetchval("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        assert tables == 0
        await drop_database(pg_admin_dsn, name)
    finally:
        await holder.close()
    admin = await asyncpg.connect(pg_admin_dsn)
    try:
        assert await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name) is None
    finally:
        await admin.close()


async def test_fresh_db_fixture_gives_a_private_database(fresh_db: str) -> None:
    conn = await asyncpg.connect(fresh_db)
    try:
        await conn.execute("CREATE TABLE t (x int)")
        assert await conn.fetchval("SELECT count(*) FROM t") == 0
    finally:
        await conn.close()


def test_folders_of_killed_demos_are_swept_but_live_and_new_ones_kept(tmp_path: Path) -> None:
    old = time.time() - 3600
    killed = tmp_path / f"{TEMP_PREFIX}killed"
    (killed / "data").mkdir(parents=True)
    (killed / "data" / "postmaster.pid").write_text("999999999\n")
    running = tmp_path / f"{TEMP_PREFIX}running"
    (running / "data").mkdir(parents=True)
    (running / "data" / "postmaster.pid").write_text(f"{os.getpid()}\n")
    starting = tmp_path / f"{TEMP_PREFIX}starting"
    starting.mkdir()
    for folder in (killed, running):
        os.utime(folder, (old, old))

    assert sweep_stale_folders(tmp_path) == [killed]
    assert not killed.exists()
    assert running.exists() and starting.exists()
