"""Rate-limit settings: per-role and per-address budgets for reads and writes, and booking quotas.

A budget is written in the `limits` notation, several joined by `;`: `120/minute;2000/hour`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from limits import RateLimitItem, parse_many

from gateway.env import Env
from gateway.errors import ConfigError
from resolvers.principal import Role

__all__ = ["DEFAULT_BUDGETS", "Budget", "RateLimitConfig", "read_rate_limits"]


@dataclass(frozen=True, slots=True)
class Budget:
    """What one key (a principal or a client address) may send: every limit must hold."""

    reads: tuple[RateLimitItem, ...]
    writes: tuple[RateLimitItem, ...]

    def limits(self, write: bool) -> tuple[RateLimitItem, ...]:
        return self.writes if write else self.reads


def _budget(reads: str, writes: str) -> Budget:
    return Budget(tuple(parse_many(reads)), tuple(parse_many(writes)))


# (reads, writes) per role and for one client address (a clinic's NAT holds many people).
DEFAULT_BUDGETS: Mapping[str, tuple[str, str]] = MappingProxyType({
    Role.PATIENT.value: ("120/minute;2000/hour", "20/minute;200/hour"),
    Role.CLINICIAN.value: ("600/minute;10000/hour", "60/minute"),
    Role.ANALYST.value: ("300/minute;5000/hour", "30/minute"),
    "address": ("1200/minute", "240/minute"),
})
_DEFAULT_BOOKINGS = 5


@dataclass(frozen=True, slots=True)
class RateLimitConfig:
    """`roles` by role name, `address` for every client address, `bookings_per_day` per patient."""

    enabled: bool = True
    roles: Mapping[str, Budget] = field(default_factory=lambda: MappingProxyType({
        role: _budget(*DEFAULT_BUDGETS[role]) for role in Role
    }))
    address: Budget = field(default_factory=lambda: _budget(*DEFAULT_BUDGETS["address"]))
    bookings_per_day: int = _DEFAULT_BOOKINGS  # 0: no cap
    key_prefix: str = "mhs:rl"

    def budget(self, role: Role) -> Budget:
        return self.roles[role.value]


def _read_budget(env: Env, name: str) -> Budget:
    reads, writes = DEFAULT_BUDGETS[name]
    return Budget(_items(env, f"RATE_LIMIT_{name.upper()}_READS", reads),
                  _items(env, f"RATE_LIMIT_{name.upper()}_WRITES", writes))


def _items(env: Env, key: str, default: str) -> tuple[RateLimitItem, ...]:
    text = env.text(key, default) or default
    try:
        items = tuple(parse_many(text))
    except ValueError:
        raise ConfigError(env.name(key), f"must be limits like '120/minute;2000/hour', got {text!r}") from None
    if not items:
        raise ConfigError(env.name(key), "must name at least one limit")
    return items


def read_rate_limits(env: Env) -> RateLimitConfig:
    """`MHS_GATEWAY_RATE_LIMITS` (on/off), `_RATE_LIMIT_<ROLE|ADDRESS>_<READS|WRITES>`,
    `_BOOKINGS_PER_DAY`, `_RATE_LIMIT_PREFIX` (the Redis key prefix)."""
    return RateLimitConfig(
        enabled=env.flag("RATE_LIMITS", True),
        roles=MappingProxyType({role.value: _read_budget(env, role.value) for role in Role}),
        address=_read_budget(env, "address"),
        bookings_per_day=env.integer("BOOKINGS_PER_DAY", _DEFAULT_BOOKINGS),
        key_prefix=env.text("RATE_LIMIT_PREFIX", "mhs:rl") or "mhs:rl",
    )
