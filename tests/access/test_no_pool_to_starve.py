"""One user's heavy inputs cannot take the gateway's database from everyone else: the audit writer,
the idempotency keys and the library each have their own pool, searches go through the index only,
and oversized inputs never reach the database."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from tests.access.conftest import AuditLog, new_request_id
from tests.support.gql import gql

SEARCH = "query S($s: String) { healthTopics(search: $s) { id } }"
READ = "{ me { dodId labResults(first: 5) { edges { node { id } } } healthTopics: conditions { display } } }"


def _heavy(rng: random.Random) -> str:
    """The longest search the bounds admit, made of many short word prefixes."""
    return " ".join("".join(rng.choices("abcdefghij", k=rng.randint(1, 3))) for _ in range(60))[:200]


async def test_other_users_keep_reading_while_one_floods_the_library(demo_stack: Any, audit_log: AuditLog) -> None:
    tokens = demo_stack.info()["tokens"]
    rng = random.Random(11)

    async def attack() -> list[int]:
        answers = await asyncio.gather(*(gql(demo_stack, SEARCH, {"s": _heavy(rng)}, token=tokens["P1"])
                                         for _ in range(40)))
        huge = await asyncio.gather(*(gql(demo_stack, SEARCH, {"s": "x" * 100_000}, token=tokens["P1"])
                                      for _ in range(20)))
        return [status for status, _ in answers] + [status for status, _ in huge]

    async def others() -> list[tuple[str, int, Any]]:
        out = []
        for _ in range(10):
            request_id = new_request_id()
            status, body = await gql(demo_stack, READ, token=tokens["P2"], headers={"X-Request-Id": request_id})
            out.append((request_id, status, body))
        return out

    attacked, reads = await asyncio.gather(attack(), others())
    assert attacked.count(200) == 40 and attacked.count(400) == 20  # heavy but valid: answered; huge: refused
    for request_id, status, body in reads:
        assert status == 200 and "errors" not in body, body
        assert len(await audit_log.rows(request_id)) == 1  # and each was audited before it was answered
