"""Secure messages: replies in GENESIS threads and new threads to the care team, once per key."""

from __future__ import annotations

from typing import Any

from tests.actions.conftest import Actions, new_key, source_id
from tests.support.gql import gql

THREADS = """query { me { primaryCareTeam { id } messageThreads(first: 50) { edges { node {
  id subject folder canReply lastMessageAt provenance { source sourceId }
  messages(first: 3) { edges { node { id body fromPatient sentAt } } } } } } } }"""
SEND = """mutation Send($input: SendSecureMessageInput!) { sendSecureMessage(input: $input) {
  thread { id subject folder canReply lastMessageAt }
  message { id body fromPatient sentAt sender }
  userErrors { field code message } } }"""


async def threads(actions: Actions, who: str = "P1") -> tuple[str | None, list[dict[str, Any]]]:
    data = (await actions.ask(who, THREADS))["me"]
    team = data["primaryCareTeam"]
    return (team["id"] if team else None), [e["node"] for e in data["messageThreads"]["edges"]]


async def send(actions: Actions, who: str = "P1", key: str | None = None, **fields: Any) -> dict[str, Any]:
    variables = {"input": {"body": "Hello", **fields, "idempotencyKey": key or new_key()}}
    payload: dict[str, Any] = (await actions.ask(who, SEND, variables))["sendSecureMessage"]
    return payload


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def test_a_new_thread_to_the_care_team_is_listed_first(actions: Actions) -> None:
    team, _ = await threads(actions)
    assert team is not None

    payload = await send(actions, careTeamId=team, subject="Refill question", body="Can I get a 90-day supply?")

    assert payload["userErrors"] == []
    thread, message = payload["thread"], payload["message"]
    assert (thread["subject"], thread["folder"], thread["canReply"]) == ("Refill question", "SENT", True)
    assert message["body"] == "Can I get a 90-day supply?" and message["fromPatient"] is True
    _, listed = await threads(actions)
    assert listed[0]["id"] == thread["id"] and listed[0]["subject"] == "Refill question"
    assert [m["node"]["id"] for m in listed[0]["messages"]["edges"]] == [message["id"]]
    stored = actions.stack.portal.store.get("Communication", source_id(message["id"]))
    assert stored is not None
    assert stored["recipient"] == [
        {"reference": f"CareTeam/{source_id(team)}", "display": stored["recipient"][0]["display"]}
    ]
    assert stored["sender"]["reference"] == stored["subject"]["reference"]
    assert stored["topic"] == {"text": "Refill question"} and stored["status"] == "completed"
    assert "partOf" not in stored


async def test_a_reply_joins_its_thread_newest_first(actions: Actions) -> None:
    _, listed = await threads(actions)
    genesis = [t for t in listed if t["provenance"]["source"] == "GENESIS" and t["canReply"]]
    staff_threads = [t for t in genesis if not t["messages"]["edges"][0]["node"]["fromPatient"]]
    thread = (staff_threads or genesis)[-1]
    newest = thread["messages"]["edges"][0]["node"]

    payload = await send(actions, threadId=thread["id"], body="Thanks, see you then.")

    assert payload["userErrors"] == []
    assert payload["thread"]["id"] == thread["id"] and payload["thread"]["folder"] == "SENT"
    _, after = await threads(actions)
    assert after[0]["id"] == thread["id"]
    first = after[0]["messages"]["edges"][0]["node"]
    assert (first["id"], first["body"], first["fromPatient"]) == (
        payload["message"]["id"],
        "Thanks, see you then.",
        True,
    )
    stored = actions.stack.portal.store.get("Communication", source_id(payload["message"]["id"]))
    assert stored is not None
    root = thread["provenance"]["sourceId"]
    assert stored["partOf"] == [{"reference": f"Communication/{root}"}]
    assert stored["inResponseTo"] == [{"reference": f"Communication/{source_id(newest['id'])}"}]
    if staff_threads:
        assert stored["recipient"][0]["reference"].startswith("Practitioner/")


async def test_refusals_write_nothing(actions: Actions) -> None:
    team, listed = await threads(actions)
    assert team is not None
    archived = next(t for t in listed if t["provenance"]["source"] == "TOL_ARCHIVE")
    genesis = next(t for t in listed if t["provenance"]["source"] == "GENESIS")
    other_team, other_threads = await threads(actions, "P3")
    before = len(actions.resources("Communication"))

    assert codes(await send(actions, threadId=archived["id"])) == [("THREAD_ARCHIVED", ["input", "threadId"])]
    assert codes(await send(actions, threadId=genesis["id"], body="  \n ")) == [("EMPTY_BODY", ["input", "body"])]
    assert codes(await send(actions, threadId=genesis["id"], body="")) == [("EMPTY_BODY", ["input", "body"])]
    assert codes(await send(actions, threadId=genesis["id"], body="x" * 10_001)) == [
        ("BODY_TOO_LONG", ["input", "body"])
    ]
    assert [c for c, _ in codes(await send(actions))] == ["INVALID_TARGET"]
    assert [c for c, _ in codes(await send(actions, threadId=genesis["id"], careTeamId=team))] == ["INVALID_TARGET"]
    assert codes(await send(actions, careTeamId=team)) == [("SUBJECT_REQUIRED", ["input", "subject"])]
    assert codes(await send(actions, careTeamId=team, subject="s" * 201)) == [
        ("SUBJECT_TOO_LONG", ["input", "subject"])
    ]
    both = await send(actions, careTeamId=team, subject=" ", body=" ")
    assert sorted(c for c, _ in codes(both)) == ["EMPTY_BODY", "SUBJECT_REQUIRED"]
    assert other_team is not None and other_threads
    assert codes(await send(actions, careTeamId=other_team, subject="Hi")) == [("NOT_FOUND", ["input", "careTeamId"])]
    for source in ("GENESIS", "TOL_ARCHIVE"):  # another patient's thread is unknown, archived or not
        theirs = next(t for t in other_threads if t["provenance"]["source"] == source)
        assert codes(await send(actions, threadId=theirs["id"])) == [("NOT_FOUND", ["input", "threadId"])]
    for who in ("C1", "A1"):
        assert [c for c, _ in codes(await send(actions, who, threadId=genesis["id"]))] == ["FORBIDDEN"]
    assert len(actions.resources("Communication")) == before


async def test_a_retry_with_the_same_key_sends_once(actions: Actions) -> None:
    team, _ = await threads(actions)
    key = new_key()
    first = await send(actions, key=key, careTeamId=team, subject="Once", body="Only once please")
    count = len(actions.resources("Communication"))

    again = await send(actions, key=key, careTeamId=team, subject="Once", body="Only once please")

    assert again == first and first["userErrors"] == []
    assert len(actions.resources("Communication")) == count
    other = await send(actions, key=key, careTeamId=team, subject="Once", body="Something else")
    assert [c for c, _ in codes(other)] == ["IDEMPOTENCY_KEY_REUSED"] and other["message"] is None
    assert len(actions.resources("Communication")) == count


async def test_a_genesis_failure_writes_nothing_and_a_retry_sends_once(actions: Actions) -> None:
    team, _ = await threads(actions)
    key = new_key()
    variables = {"input": {"careTeamId": team, "subject": "Down", "body": "Are you there?", "idempotencyKey": key}}
    before = len(actions.resources("Communication"))
    await actions.faults(error_status=503)

    status, body = await gql(actions.stack, SEND, variables, token=actions.token("P1"))

    assert status == 200
    assert [e["code"] for e in body["data"]["sendSecureMessage"]["userErrors"]] == ["SOURCE_UNAVAILABLE"]
    assert len(actions.resources("Communication")) == before
    await actions.clear_faults()
    retried = await send(actions, key=key, careTeamId=team, subject="Down", body="Are you there?")
    assert retried["userErrors"] == []
    assert await send(actions, key=key, careTeamId=team, subject="Down", body="Are you there?") == retried
    assert len(actions.resources("Communication")) == before + 1
