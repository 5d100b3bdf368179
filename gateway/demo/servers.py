"""Which PostgreSQL server the demo uses: the one DATABASE_URL names, else an embedded one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from .postgres import EmbeddedPostgres

__all__ = ["ExternalPostgres", "PostgresServer", "postgres_server"]


class PostgresServer(Protocol):
    """A running server the demo may create databases on."""

    def dsn(self, database: str = "postgres") -> str: ...


class ExternalPostgres:
    """A server someone else runs, reached through a URL; its database part is swapped per use."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise ValueError(f"DATABASE_URL must be a postgresql:// URL, got scheme {parts.scheme!r}")
        self._parts = parts

    def dsn(self, database: str = "postgres") -> str:
        """The URL with its database replaced by `database`."""
        return urlunsplit(self._parts._replace(path=f"/{database}"))


@asynccontextmanager
async def postgres_server(database_url: str | None) -> AsyncIterator[PostgresServer]:
    """Use `database_url`'s server when given, else run an embedded one for the block's length."""
    if database_url:
        yield ExternalPostgres(database_url)
        return
    async with EmbeddedPostgres() as embedded:
        yield embedded
