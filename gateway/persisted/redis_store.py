"""`RedisDocumentStore`: registered documents shared by every worker and machine (`REDIS_URL`)."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

__all__ = ["KEY_PREFIX", "RedisDocumentStore"]

KEY_PREFIX = "mhs:apq:"
_log = logging.getLogger("gateway.persisted")


class RedisDocumentStore:
    """`mhs:apq:<sha256>` → query text, expiring `ttl` seconds after its last use.

    Redis failing is never the request's failure: a lookup answers "not found" (the client
    resends the text) and a registration is dropped. After a failure the store rests for
    `cool_off` seconds, so a Redis that hangs costs at most one `timeout` per rest, not one per
    request. Logs name the operation and the exception type, never a document or the URL.
    """

    def __init__(self, client: Redis, *, ttl: int, timeout: float, cool_off: float = 5.0) -> None:
        self._client = client
        self._ttl = ttl
        self._timeout = timeout
        self._cool_off = cool_off
        self._resting_until: float | None = None

    @classmethod
    def from_url(cls, url: str, *, ttl: int, timeout: float) -> RedisDocumentStore:
        """A client that fails fast (no retries, `timeout` to connect and to answer)."""
        client = Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
        )
        return cls(client, ttl=ttl, timeout=timeout)

    async def get(self, sha256: str) -> str | None:
        if self._resting():
            return None
        try:
            async with asyncio.timeout(self._timeout):
                value = await self._client.getex(KEY_PREFIX + sha256, ex=self._ttl)
        except Exception as error:
            self._failed("get", error)
            return None
        self._answered()
        if isinstance(value, bytes):
            return value.decode()
        return value

    async def put(self, sha256: str, text: str) -> None:
        if self._resting():
            return
        try:
            async with asyncio.timeout(self._timeout):
                await self._client.set(KEY_PREFIX + sha256, text, ex=self._ttl)
        except Exception as error:
            self._failed("put", error)
            return
        self._answered()

    async def close(self) -> None:
        await self._client.aclose()

    def _resting(self) -> bool:
        if self._resting_until is None:
            return False
        return asyncio.get_running_loop().time() < self._resting_until

    def _failed(self, operation: str, error: Exception) -> None:
        if self._resting_until is None:
            _log.warning(
                "persisted-query store unavailable; hashes answer not-found until it is back",
                extra={"operation": operation, "exception_type": type(error).__name__},
            )
        self._resting_until = asyncio.get_running_loop().time() + self._cool_off

    def _answered(self) -> None:
        if self._resting_until is not None:
            _log.info("persisted-query store answering again")
            self._resting_until = None
