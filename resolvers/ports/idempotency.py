"""Idempotency keys as the write pipeline sees them: claim a key, finish it, or release it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

__all__ = ["BeginOutcome", "Begun", "Conflict", "IdempotencyKeys", "InFlight", "Replay", "StoreError"]


class StoreError(Exception):
    """The gateway's own database failed; `operation` says what was being done (never the data)."""

    code = "SERVICE_UNAVAILABLE"  # what a client sees where this left a part of its answer out

    def __init__(self, operation: str, detail: str) -> None:
        self.operation = operation
        self.detail = detail
        super().__init__(f"store {operation}: {detail}")


@dataclass(frozen=True, slots=True)
class Begun:
    """This call owns the key: run the mutation, then `finish` (or `abandon` on failure)."""


@dataclass(frozen=True, slots=True)
class Replay:
    """The key was used before for the same input: answer `result` and write nothing."""

    result: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Conflict:
    """The key was used before for another operation or other input: refuse."""

    operation: str


@dataclass(frozen=True, slots=True)
class InFlight:
    """Another call with this key is still running: ask the client to retry later."""


BeginOutcome: TypeAlias = Begun | Replay | Conflict | InFlight


class IdempotencyKeys(Protocol):
    """Keys scoped by principal; every method raises StoreError when the store fails."""

    async def begin(self, principal: str, key: str, operation: str, input_hash: str) -> BeginOutcome:
        """Claim `key` for this call, or say why not (replay, conflict, still in flight)."""

    async def finish(self, principal: str, key: str, result: dict[str, Any]) -> None:
        """Store the mutation's result so that retries replay it."""

    async def abandon(self, principal: str, key: str) -> None:
        """Release a pending key after the mutation failed, so that a retry runs it again."""
