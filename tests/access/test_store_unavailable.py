"""The gateway's own store failing (the health library) is SERVICE_UNAVAILABLE on what it serves, not a 500."""

from __future__ import annotations

from typing import Any

from tests.access.conftest import run_sql
from tests.support.gql import gql

TOPICS = """query Topics { me { dodId prescriptions(first: 3) { edges { node { display
    healthTopics { title } } } } } }"""


async def test_a_library_that_cannot_answer_leaves_topics_out_with_a_code_and_serves_the_rest(
    demo_stack: Any, own_gateway: str, fresh_db: str
) -> None:
    token = demo_stack.info()["tokens"]["P1"]
    status, body = await gql(f"{own_gateway}/graphql", TOPICS, token=token)
    assert status == 200 and "errors" not in body, body
    await run_sql(fresh_db, "ALTER TABLE library.health_topics RENAME TO health_topics_elsewhere")
    try:
        status, body = await gql(f"{own_gateway}/graphql", TOPICS, token=token)
    finally:
        await run_sql(fresh_db, "ALTER TABLE library.health_topics_elsewhere RENAME TO health_topics")
    assert status == 200
    assert body["data"]["me"]["dodId"] == "1000000001"  # the record itself is still served
    assert body["data"]["me"]["prescriptions"]["edges"], body
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"SERVICE_UNAVAILABLE"}, body["errors"]
    assert all(e["path"][-1] == "healthTopics" for e in body["errors"])
    assert all(not n["node"]["healthTopics"] for n in body["data"]["me"]["prescriptions"]["edges"])
    assert not any("health_topics" in e["message"] for e in body["errors"])  # no driver text
