"""The demo: embedded PostgreSQL, the sandboxes and the real gateway, started as one stack."""

from .errors import DemoError, PostgresStartError, StackStartError
from .postgres import EmbeddedPostgres
from .servers import ExternalPostgres, PostgresServer, postgres_server

__all__ = [
    "DemoError",
    "EmbeddedPostgres",
    "ExternalPostgres",
    "PostgresServer",
    "PostgresStartError",
    "StackStartError",
    "postgres_server",
]
