"""After a test injected faults into the shared demo stack: wait until every source answers again."""

from __future__ import annotations

import asyncio
from typing import Any

from .gql import gql

__all__ = ["sources_recovered"]

COVERAGE = "{ me { sourceCoverage { source state } } }"


async def sources_recovered(stack: Any, *, within: float = 30.0) -> bool:
    """True once P1 (linked in every source) sees all sources OK, e.g. after circuit breakers closed."""
    token = stack.info()["tokens"]["P1"]
    loop = asyncio.get_running_loop()
    until = loop.time() + within
    while loop.time() < until:
        status, body = await gql(stack, COVERAGE, token=token)
        me = (body.get("data") or {}).get("me") if status == 200 and isinstance(body, dict) else None
        if me and all(c["state"] == "OK" for c in me["sourceCoverage"]):
            return True
        await asyncio.sleep(0.5)
    return False
