"""A patient books at most N appointments a day: the next is RATE_LIMITED (429), GENESIS is not
asked, the attempt is audited as denied; replaying an earlier booking's key still answers it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from gateway.app import create_app
from tests.access.conftest import AuditLog, new_request_id
from tests.actions.conftest import BOOK, Actions, new_key
from tests.ratelimit.conftest import limited, post
from tests.support.servers import serve


@pytest_asyncio.fixture(loop_scope="session")
async def two_a_day(actions: Actions) -> AsyncIterator[str]:
    """A gateway on the action stack's sources allowing 2 bookings per patient per day."""
    async with serve(create_app(limited(actions.stack, bookings=2))) as base:
        yield f"{base}/graphql"


async def test_the_third_booking_of_the_day_is_refused_unasked(
    actions: Actions, claim: Any, two_a_day: str
) -> None:
    who = actions.genesis_patients()[0]
    slots = claim(await actions.slots(who), 3)
    keys = [new_key() for _ in slots]
    for slot, key in zip(slots[:2], keys, strict=False):
        assert (await actions.book(who, slot["id"], key=key, url=two_a_day))["userErrors"] == []

    variables = {"input": {"slotId": slots[2]["id"], "idempotencyKey": keys[2]}}
    request_id = new_request_id()
    refused = await post(two_a_day, actions.token(who), BOOK, variables, {"X-Request-Id": request_id})

    assert refused.status == 429 and refused.code == "RATE_LIMITED", refused.body
    assert refused.body["errors"][0]["extensions"]["limit"] == "bookings per patient per day"
    assert int(refused.headers["Retry-After"]) > 3600  # a day's window: hours, not seconds
    # nothing was asked upstream for it (other tests' and the mart's calls may arrive meanwhile: the
    # gateway names its request in every upstream call, so look for this one's)
    recorded = await actions.recorded()
    assert any("x-request-id" in {h.lower() for h in r.get("headers", {})} for r in recorded), recorded[-1:]
    assert not [r for r in recorded if request_id in str(r.get("headers"))]
    [row] = await AuditLog(actions.stack.info()["gateway_dsn"]).rows(request_id)
    assert (row["patient"], row["action"], row["outcome"]) == (who, "create", "denied")
    replay = await actions.book(who, slots[0]["id"], key=keys[0], url=two_a_day)  # not counted again
    assert replay["userErrors"] == [] and replay["appointment"]["status"] == "BOOKED"
