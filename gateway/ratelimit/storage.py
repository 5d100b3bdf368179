"""Where rate-limit counters live: Redis when `REDIS_URL` is set (every worker and machine shares
them), else this process's memory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from redis.asyncio import ConnectionPool

__all__ = ["Counters", "memory_counters", "redis_counters"]

_SCHEMES = {"redis": "async+redis", "rediss": "async+rediss", "unix": "async+redis+unix"}


@dataclass(frozen=True)
class Counters:
    """A `limits` storage, and the connection pool to close at shutdown (None for memory)."""

    storage: Storage
    pool: ConnectionPool | None = None
    shared: bool = False

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.aclose()


def memory_counters() -> Counters:
    return Counters(MemoryStorage())


def redis_counters(url: str, *, prefix: str, timeout: float) -> Counters:
    """Counters under `<prefix>:…` in Redis; no retries, `timeout` to connect and to answer."""
    scheme, rest = url.split(":", 1)
    pool = ConnectionPool.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    client_options: dict[str, Any] = {"connection_pool": pool}  # typed as plain values by `limits`
    storage = RedisStorage(
        f"{_SCHEMES[scheme]}:{rest}",
        implementation="redispy",
        key_prefix=prefix,
        wrap_exceptions=True,
        **client_options,
    )
    return Counters(storage, pool, shared=True)
