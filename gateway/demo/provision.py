"""The demo's two databases: the TOL archive (migrated and loaded) and the gateway's own store."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from gateway.store import migrate_store
from gateway.store.migrations_runner import apply_migrations
from sandbox.data import TOL_MIGRATIONS, TOL_SCHEMA_TABLE, TolData, load_tol

from .databases import create_database, drop_database, unique_database_name
from .servers import PostgresServer

__all__ = ["DemoDatabases", "provision", "release"]

TOL_DATABASE = "tol_archive"
GATEWAY_DATABASE = "mhs_gateway"


@dataclass(frozen=True, slots=True)
class DemoDatabases:
    """Where the archive and the gateway store live, and whether they are ours to drop."""

    admin_dsn: str
    tol_name: str
    gateway_name: str
    tol_dsn: str
    gateway_dsn: str
    drop_on_exit: bool


async def provision(server: PostgresServer, tol_data: TolData, *, fresh: bool) -> DemoDatabases:
    """Create both databases (replacing earlier demo ones), migrate them, load the archive."""
    if fresh:
        tol_name = unique_database_name("demo_tol")
        gateway_name = unique_database_name("demo_gateway")
    else:
        tol_name, gateway_name = TOL_DATABASE, GATEWAY_DATABASE
    admin = server.dsn("postgres")
    databases = DemoDatabases(
        admin_dsn=admin,
        tol_name=tol_name,
        gateway_name=gateway_name,
        tol_dsn=server.dsn(tol_name),
        gateway_dsn=server.dsn(gateway_name),
        drop_on_exit=fresh,
    )
    # The demo's data is regenerated at every start (dates follow today): replace, never append.
    await create_database(admin, tol_name, replace=True)
    await create_database(admin, gateway_name, replace=True)
    try:
        conn = await asyncpg.connect(databases.tol_dsn)
        try:
            await apply_migrations(conn, TOL_MIGRATIONS, schema_table=TOL_SCHEMA_TABLE)
            await load_tol(conn, tol_data)
        finally:
            await conn.close()
        await migrate_store(databases.gateway_dsn)
    except BaseException:
        if fresh:
            await release(databases)
        raise
    return databases


async def release(databases: DemoDatabases) -> None:
    """Drop the databases if they were made for this stack alone."""
    if databases.drop_on_exit:
        await drop_database(databases.admin_dsn, databases.tol_name)
        await drop_database(databases.admin_dsn, databases.gateway_name)
