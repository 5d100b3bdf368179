"""Errors of the gateway's own database; they name the operation, never the data.

StoreError (resolvers.ports: what the resolvers catch)
 ├── StoreUnavailable   the database could not be reached or refused the statement
 └── KeyNotPending      an idempotency key was finished that is not pending
"""

from __future__ import annotations

from resolvers.ports import StoreError

__all__ = ["KeyNotPending", "StoreError", "StoreUnavailable"]


class StoreUnavailable(StoreError):
    """The database could not be reached, timed out, or refused the statement."""

    @classmethod
    def from_exception(cls, operation: str, exc: BaseException) -> StoreUnavailable:
        """Keep the error's class and SQLSTATE only: driver messages can quote row values."""
        sqlstate = getattr(exc, "sqlstate", None)
        detail = type(exc).__name__ + (f" (SQLSTATE {sqlstate})" if sqlstate else "")
        return cls(operation, detail)


class KeyNotPending(StoreError):
    """An idempotency key was finished that is not pending (never begun, abandoned, or done)."""

    def __init__(self, operation: str) -> None:
        super().__init__(operation, "the idempotency key is not pending")
