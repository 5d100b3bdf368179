"""The current request's id (the gateway's own), which every upstream call carries."""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["request_id_var"]

request_id_var: ContextVar[str | None] = ContextVar("mhs_request_id", default=None)
