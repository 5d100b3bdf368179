"""Helpers for rate-limit tests: gateways on the demo's sources with small budgets of their own."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import aiohttp
from limits import parse_many

from gateway.config import Config
from gateway.ratelimit import Budget, RateLimitConfig
from resolvers.principal import Role
from tests.access.conftest import Upstreams, upstreams
from tests.persisted.conftest import redis_client

__all__ = ["redis_client", "upstreams"]

PLENTY = "100000/minute"
ME = "{ me { dodId } }"


def budget(reads: str = PLENTY, writes: str = PLENTY) -> Budget:
    return Budget(tuple(parse_many(reads)), tuple(parse_many(writes)))


def limited(stack: Any, *, redis_url: str | None = None, address: Budget | None = None,
            bookings: int = 1000, **roles: Budget) -> Config:
    """The stack's gateway config with these budgets (others plenty), counters under a fresh prefix."""
    rates = RateLimitConfig(
        roles=MappingProxyType({role.value: roles.get(role.value, budget()) for role in Role}),
        address=address or budget(),
        bookings_per_day=bookings,
        key_prefix=f"mhs:rl:test:{uuid.uuid4().hex[:12]}",
    )
    return dataclasses.replace(stack.config, port=0, redis_url=redis_url, rate_limits=rates)


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def code(self) -> str | None:
        errors = self.body.get("errors") if isinstance(self.body, dict) else None
        return errors[0]["extensions"]["code"] if errors else None


async def post(url: str, token: str, query: str = ME, variables: Any = None,
               headers: Mapping[str, str] | None = None) -> Reply:
    sent = {"Authorization": f"Bearer {token}", "Accept": "application/graphql-response+json", **(headers or {})}
    async with aiohttp.ClientSession() as http, http.post(
        url, json={"query": query, "variables": variables}, headers=sent
    ) as response:
        return Reply(response.status, await response.json(content_type=None), dict(response.headers))


async def quiet(upstreams: Upstreams) -> dict[str, int]:
    """The sandboxes' request counts, zeroed first."""
    await upstreams.reset()
    return await upstreams.requests()
