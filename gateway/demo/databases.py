"""Create and drop the demo's databases on a PostgreSQL server."""

from __future__ import annotations

import re
import secrets

import asyncpg

__all__ = ["create_database", "drop_database", "unique_database_name"]

_SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _quoted(name: str) -> str:
    if not _SAFE_NAME.match(name):
        raise ValueError(f"not a plain database name: {name!r}")
    return f'"{name}"'


def unique_database_name(prefix: str) -> str:
    """`prefix` plus a random suffix, so parallel stacks and tests never share a database."""
    return f"{prefix}_{secrets.token_hex(5)}"


async def drop_database(admin_dsn: str, name: str) -> None:
    """Drop `name` if it exists, disconnecting anyone still on it."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
    finally:
        await conn.close()


async def create_database(admin_dsn: str, name: str, *, replace: bool = False) -> None:
    """Create an empty database `name`; with `replace`, drop an existing one first."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        if replace:
            await conn.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {_quoted(name)} TEMPLATE template0 ENCODING 'UTF8'")
    finally:
        await conn.close()
