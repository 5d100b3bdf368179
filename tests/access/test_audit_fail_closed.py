"""No audit, no health data: a gateway whose audit table cannot be written serves none, then recovers."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import asyncpg

from tests.access.conftest import AuditLog, Upstreams, code, new_request_id, run_sql
from tests.support.gql import gql

ME = "query Me { me { dodId name { text } } }"
BOOK = """mutation { bookAppointment(input: {slotId: "U2xvdDpHRU5FU0lTOng", idempotencyKey: "k-audit-1"}) {
    userErrors { code } } }"""


async def _ask(demo_stack: Any, url: str, query: str = ME) -> tuple[str, int, Any]:
    request_id = new_request_id()
    status, body = await gql(f"{url}/graphql", query, token=demo_stack.info()["tokens"]["P1"],
                             headers={"X-Request-Id": request_id})
    return request_id, status, body


async def _readiness(url: str, want: int) -> dict[str, Any]:
    """Poll /readyz until it answers `want` (within 15 s); its last body."""
    async with aiohttp.ClientSession() as http, asyncio.timeout(15):
        while True:
            async with http.get(f"{url}/readyz") as response:
                body: dict[str, Any] = await response.json()
                if response.status == want:
                    return body
            await asyncio.sleep(0.05)


async def test_audit_store_down_means_no_health_data_until_it_is_back(
    demo_stack: Any, own_gateway: str, fresh_db: str, upstreams: Upstreams
) -> None:
    log = AuditLog(fresh_db)
    request_id, status, body = await _ask(demo_stack, own_gateway)
    assert status == 200 and body["data"]["me"]["dodId"] == "1000000001"
    assert len(await log.rows(request_id)) == 1
    assert (await _readiness(own_gateway, 200))["audit"] == {"state": "OK", "pending": 0}

    await run_sql(fresh_db, "ALTER TABLE audit.events RENAME TO events_elsewhere")
    # The very first request after the store failed gets no data: its row must be committed first.
    before_detected, status, body = await _ask(demo_stack, own_gateway)
    assert status == 503 and code(body) == "AUDIT_UNAVAILABLE" and "data" not in body
    ready = await _readiness(own_gateway, 503)
    assert ready["status"] == "not_ready" and ready["audit"]["state"] == "FAILING"

    await upstreams.reset()
    _, status, body = await _ask(demo_stack, own_gateway)
    assert status == 503
    assert body == {"errors": [{"message": "The audit log is unavailable; no records were served.",
                                "extensions": {"code": "AUDIT_UNAVAILABLE"}}]}
    _, status, body = await _ask(demo_stack, own_gateway, BOOK)
    assert status == 503 and code(body) == "AUDIT_UNAVAILABLE"  # writes are refused too
    assert await upstreams.requests() == {"genesis": 0, "community": 0}  # refused before any source
    _, status, body = await _ask(demo_stack, own_gateway, "{ __typename }")
    assert (status, body) == (200, {"data": {"__typename": "Query"}})  # no health data: still served

    await run_sql(fresh_db, "ALTER TABLE audit.events_elsewhere RENAME TO events")
    assert (await _readiness(own_gateway, 200))["audit"] == {"state": "OK", "pending": 0}
    assert len(await log.rows(before_detected)) == 1  # its access is still recorded, late: never dropped
    request_id, status, body = await _ask(demo_stack, own_gateway)
    assert status == 200 and body["data"]["me"]["dodId"] == "1000000001"
    assert len(await log.rows(request_id)) == 1


async def test_a_locked_audit_table_means_503_from_the_first_request_not_data_held_in_memory(
    demo_stack: Any, own_gateway: str, fresh_db: str
) -> None:
    log = AuditLog(fresh_db)
    locker = await asyncpg.connect(fresh_db)
    try:
        transaction = locker.transaction()
        await transaction.start()
        await locker.execute("LOCK TABLE audit.events IN ACCESS EXCLUSIVE MODE")
        answers = await asyncio.gather(*(_ask(demo_stack, own_gateway) for _ in range(3)))
        assert [(status, code(body)) for _, status, body in answers] == [(503, "AUDIT_UNAVAILABLE")] * 3
        assert all("data" not in body for _, _, body in answers)
        await transaction.rollback()
    finally:
        await locker.close()
    assert (await _readiness(own_gateway, 200))["audit"]["state"] == "OK"
    for request_id, _, _ in answers:  # what they touched is recorded once the lock is gone
        assert len(await log.rows(request_id)) == 1
    request_id, status, body = await _ask(demo_stack, own_gateway)
    assert status == 200 and body["data"]["me"]["dodId"] == "1000000001"
