"""Structured JSON logs carrying the request id; callers pass only non-PHI fields."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from contextvars import ContextVar
from typing import Any

from sources.calls.request import request_id_var

__all__ = [
    "JsonFormatter",
    "client_request_id_var",
    "configure_logging",
    "current_request_id",
    "log_event",
    "request_id_var",
]

client_request_id_var: ContextVar[str | None] = ContextVar("mhs_client_request_id", default=None)

_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# Loggers that would print exception messages (which may hold PHI) are silenced; the gateway
# logs those errors itself, by type and request id.
_SILENCED = ("strawberry.execution",)


def current_request_id() -> str | None:
    return request_id_var.get()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (the gateway's), the
    client's request id when it sent one, and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        client_id = client_request_id_var.get()
        if client_id:
            entry["client_request_id"] = client_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED and key != "request_id" and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__  # the type only: messages may hold PHI
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Route every log record through one JSON handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    for name in _SILENCED:
        logging.getLogger(name).disabled = True


def log_event(logger: logging.Logger, level: int, event: str, **fields: Any) -> None:
    """Log `event` with structured fields (never pass names, DoD IDs, tokens or bodies)."""
    logger.log(level, event, extra=fields)
