"""A running sandbox's request recorder over its admin API (`/__admin/requests`): cleared, then read."""

from __future__ import annotations

from typing import Any

import aiohttp

__all__ = ["forget_requests", "recorded_requests"]


async def forget_requests(session: aiohttp.ClientSession, admin: str) -> None:
    async with session.delete(f"{admin}/requests") as resp:
        assert resp.status < 300


async def recorded_requests(session: aiohttp.ClientSession, admin: str) -> list[dict[str, Any]]:
    """What the sandbox answered since it last forgot, oldest first."""
    async with session.get(f"{admin}/requests") as resp:
        body = await resp.json()
    found: list[dict[str, Any]] = body["requests"] if isinstance(body, dict) else body
    return found
