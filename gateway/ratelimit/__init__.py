"""Rate limits: per principal (by role) and per client address, for reads and for writes, and
per-patient action quotas; counters shared through Redis when `REDIS_URL` is set."""

from .limiter import Limiter
from .quotas import Quotas
from .requests import RequestLimiter
from .settings import Budget, RateLimitConfig, read_rate_limits
from .storage import Counters, memory_counters, redis_counters

__all__ = [
    "Budget",
    "Counters",
    "Limiter",
    "Quotas",
    "RateLimitConfig",
    "RequestLimiter",
    "memory_counters",
    "read_rate_limits",
    "redis_counters",
]
