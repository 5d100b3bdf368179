"""Idempotency keys for mutations: the first call runs, a retry replays its result."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from resolvers.ports import BeginOutcome, Begun, Conflict, InFlight, Replay

from ._db import store_errors
from .errors import KeyNotPending

__all__ = ["IdempotencyStore"]


_CLAIM = """
INSERT INTO gateway.idempotency_keys (principal, key, operation, input_hash, status)
VALUES ($1, $2, $3, $4, 'pending')
ON CONFLICT (principal, key) DO NOTHING
RETURNING true
"""

# A pending key whose owner stopped updating it (crashed mid-mutation) may be taken over.
_TAKE_OVER = """
UPDATE gateway.idempotency_keys SET updated_at = now()
WHERE principal = $1 AND key = $2 AND operation = $3 AND input_hash = $4
  AND status = 'pending' AND updated_at < now() - make_interval(secs => $5)
RETURNING true
"""

_READ = """
SELECT operation, input_hash, status, result::text AS result
FROM gateway.idempotency_keys WHERE principal = $1 AND key = $2
"""

_FINISH = """
UPDATE gateway.idempotency_keys
SET status = 'done', result = $3::jsonb, updated_at = now()
WHERE principal = $1 AND key = $2 AND status = 'pending'
RETURNING true
"""

_ABANDON = """
DELETE FROM gateway.idempotency_keys
WHERE principal = $1 AND key = $2 AND status = 'pending'
"""


class IdempotencyStore:
    """Keys in `gateway.idempotency_keys`, scoped by principal (one user's key is not another's)."""

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], *, stale_after: float = 120.0) -> None:
        self._pool = pool
        self._stale_after = stale_after

    async def begin(
        self, principal: str, key: str, operation: str, input_hash: str
    ) -> BeginOutcome:
        """Claim `key` for this call, or say why not (replay, conflict, still in flight)."""
        args = (principal, key, operation, input_hash)
        with store_errors("idempotency begin"):
            for _ in range(3):  # the row can vanish between claim and read (abandoned): retry
                if await self._pool.fetchval(_CLAIM, *args):
                    return Begun()
                row = await self._pool.fetchrow(_READ, principal, key)
                if row is None:
                    continue
                if row["operation"] != operation or row["input_hash"] != input_hash:
                    return Conflict(operation=row["operation"])
                if row["status"] == "done":
                    return Replay(result=json.loads(row["result"]))
                if await self._pool.fetchval(_TAKE_OVER, *args, self._stale_after):
                    return Begun()
                return InFlight()
        return InFlight()

    async def finish(self, principal: str, key: str, result: dict[str, Any]) -> None:
        """Store the mutation's result so that retries replay it."""
        with store_errors("idempotency finish"):
            done = await self._pool.fetchval(_FINISH, principal, key, json.dumps(result))
        if not done:
            raise KeyNotPending("idempotency finish")

    async def abandon(self, principal: str, key: str) -> None:
        """Release a pending key after the mutation failed, so that a retry runs it again."""
        with store_errors("idempotency abandon"):
            await self._pool.execute(_ABANDON, principal, key)
