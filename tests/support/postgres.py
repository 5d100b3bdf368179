"""Finding a PostgreSQL server for tests: DATABASE_URL, a local one on 5432, else none."""

from __future__ import annotations

import asyncio

import asyncpg

__all__ = ["LOCAL_DSN", "answers", "local_admin_dsn"]

LOCAL_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


async def answers(dsn: str, within: float = 1.0) -> bool:
    """True if a server at `dsn` accepts a connection within `within` seconds."""
    try:
        conn = await asyncio.wait_for(asyncpg.connect(dsn, timeout=within), within)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


async def local_admin_dsn(environ: dict[str, str]) -> str | None:
    """DATABASE_URL if set, else the local server on 5432 if it answers; None means start one."""
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    return LOCAL_DSN if await answers(LOCAL_DSN) else None
