"""What the upstreams do not offer is off, and said: a gateway without GENESIS's patient portal still
serves every read and every booking; a mutation of a missing feature answers NOT_SUPPORTED and
writes nothing; what the portal stops offering is turned off on the next reading."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from gateway.app import create_app
from gateway.config import Config
from gateway.operations import load_operations
from sandbox.portal import FEATURES
from tests.actions.conftest import Actions, new_key
from tests.actions.test_messages import SEND, THREADS
from tests.actions.test_questionnaires import PENDING, SUBMIT, VALID
from tests.actions.test_renewals import RENEW, RX
from tests.support.gql import gql
from tests.support.servers import serve

CAPABILITIES = "query { capabilities { feature available reason } }"
PORTAL_URL = "MHS_GATEWAY_GENESIS_PORTAL_URL"


def _config(actions: Actions, drop: str | None = None, **env: str) -> Config:
    environ = {k: v for k, v in actions.stack.environment.items() if k != drop}
    return Config.from_env({**environ, **env})


@pytest_asyncio.fixture(loop_scope="session")
async def no_portal(actions: Actions) -> AsyncIterator[str]:
    """A gateway on the action stack's sources, configured without the portal's URL."""
    config = _config(actions, drop=PORTAL_URL)
    assert config.source("GENESIS").config.portal is None  # type: ignore[union-attr]
    async with serve(create_app(config)) as base:
        yield f"{base}/graphql"


@pytest.fixture
def offering(actions: Actions) -> Iterator[Any]:
    """Narrow what the sandbox's portal offers for one test (restored afterwards)."""
    portal = actions.stack.portal
    before = portal.offers

    def narrow(*gone: str) -> None:
        portal.offers = frozenset(FEATURES) - set(gone)

    yield narrow
    portal.offers = before


def _features(data: dict[str, Any]) -> dict[str, tuple[bool, str | None]]:
    return {c["feature"]: (c["available"], c["reason"]) for c in data["capabilities"]}


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_with_the_portal_every_feature_is_on(actions: Actions) -> None:
    features = _features(await actions.ask("P1", CAPABILITIES))
    assert features and all(available for available, _ in features.values()), features


async def test_without_the_portal_reads_and_bookings_work_and_its_features_say_why_not(
    actions: Actions, no_portal: str
) -> None:
    features = _features(await actions.ask("P1", CAPABILITIES, url=no_portal))
    for name in ("READ_MESSAGES", "SEND_MESSAGE", "REPLY_TO_MESSAGE", "READ_RENEWAL_REQUESTS", "REQUEST_RENEWAL",
                 "READ_QUESTIONNAIRE_ASSIGNMENTS", "ANSWER_QUESTIONNAIRE"):  # fmt: skip
        available, reason = features[name]
        assert not available and reason and "patient portal" in reason
    assert features["BOOK_APPOINTMENT"] == (True, None) and features["CANCEL_APPOINTMENT"] == (True, None)

    # every example query still answers, with no error (the portal's kinds are simply not asked)
    midnight = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    days = {n: (midnight + dt.timedelta(days=n)).isoformat() for n in (7, 30, 60)}
    queries = [op for op in load_operations() if op.kind == "query" and op.name != "MessageThread"]
    ran = 0
    for op in queries:
        for persona in (p for p in op.personas if p[0] in "PC"):  # analysts read the mart, not the sources
            variables = op.variables_on(midnight.isoformat(), days)
            status, body = await gql(no_portal, op.text, variables, token=actions.token(persona))
            assert status == 200 and "errors" not in body, (op.name, persona, body)
            ran += 1
    assert ran >= 10
    threads = (await actions.ask("P1", THREADS, url=no_portal))["me"]["messageThreads"]["edges"]
    assert threads and {t["node"]["provenance"]["source"] for t in threads} == {"TOL_ARCHIVE"}  # the archive only
    assert all(not t["node"]["canReply"] for t in threads)
    rx = [e["node"] for e in (await actions.ask("P1", RX, url=no_portal))["me"]["prescriptions"]["edges"]]
    genesis_rx = [p for p in rx if p["provenance"]["source"] == "GENESIS"]
    assert genesis_rx and all(p["renewal"] == {"eligible": False, "reason": "NOT_SUPPORTED"} for p in genesis_rx)

    slot = (await actions.slots("P2"))[-1]
    booked = await actions.book("P2", slot["id"], url=no_portal)
    assert booked["userErrors"] == [] and booked["appointment"]["status"] == "BOOKED"
    cancelled = await actions.cancel("P2", booked["appointment"]["id"])
    assert cancelled["userErrors"] == []


async def test_without_the_portal_its_mutations_are_not_supported_and_write_nothing(
    actions: Actions, no_portal: str
) -> None:
    team = (await actions.ask("P1", THREADS))["me"]["primaryCareTeam"]["id"]
    (pending, *_) = (await actions.ask("P1", PENDING, {"pending": True}))["me"]["questionnaires"]
    rx = [e["node"] for e in (await actions.ask("P1", RX))["me"]["prescriptions"]["edges"]]
    genesis_rx = next(p for p in rx if p["provenance"]["source"] == "GENESIS")
    held = {t: len(actions.resources(t)) for t in ("Communication", "Task", "QuestionnaireResponse")}
    recorded = (await actions.recorded())[-1:]
    since = recorded[0]["seq"] if recorded else 0

    attempts = [
        (SEND, {"careTeamId": team, "subject": "Hello", "body": "Hi"}, "sendSecureMessage"),
        (RENEW, {"prescriptionId": genesis_rx["id"]}, "requestPrescriptionRenewal"),
        (SUBMIT, {"assignmentId": pending["id"], "answers": VALID}, "submitQuestionnaireResponse"),
    ]
    for document, fields, root in attempts:
        variables = {"input": {**fields, "idempotencyKey": new_key()}}
        payload = (await actions.ask("P1", document, variables, url=no_portal))[root]
        assert _codes(payload) == ["NOT_SUPPORTED"], payload
        assert "patient portal" in payload["userErrors"][0]["message"]

    assert {t: len(actions.resources(t)) for t in held} == held
    portal_calls = [r for r in await actions.recorded(since) if r["path"].startswith("/portal/")]
    assert portal_calls == []


async def test_what_the_portal_stops_offering_is_turned_off_on_the_next_reading(
    actions: Actions, offering: Any
) -> None:
    config = dataclasses.replace(_config(actions), capability_refresh=0.2)
    async with serve(create_app(config)) as base:
        url = f"{base}/graphql"
        assert _features(await actions.ask("P1", CAPABILITIES, url=url))["ANSWER_QUESTIONNAIRE"] == (True, None)
        offering("questionnaires.answer", "messages.reply")
        for _ in range(50):
            features = _features(await actions.ask("P1", CAPABILITIES, url=url))
            if not features["ANSWER_QUESTIONNAIRE"][0]:
                break
            await asyncio.sleep(0.1)
        assert features["ANSWER_QUESTIONNAIRE"] == (False, "MHS GENESIS's patient portal does not offer this")
        assert features["REPLY_TO_MESSAGE"][0] is False and features["SEND_MESSAGE"] == (True, None)

        threads = (await actions.ask("P1", THREADS, url=url))["me"]["messageThreads"]["edges"]
        genesis = [t["node"] for t in threads if t["node"]["provenance"]["source"] == "GENESIS"]
        assert genesis and not any(t["canReply"] for t in genesis)  # the per-record flag follows
        (pending, *_) = (await actions.ask("P1", PENDING, {"pending": True}, url=url))["me"]["questionnaires"]
        before = len(actions.resources("QuestionnaireResponse"))
        variables = {"input": {"assignmentId": pending["id"], "answers": VALID, "idempotencyKey": new_key()}}
        payload = (await actions.ask("P1", SUBMIT, variables, url=url))["submitQuestionnaireResponse"]
        assert _codes(payload) == ["NOT_SUPPORTED"] and payload["assignment"] is None
        assert len(actions.resources("QuestionnaireResponse")) == before
        reply = {"input": {"threadId": genesis[0]["id"], "body": "Hi", "idempotencyKey": new_key()}}
        assert _codes((await actions.ask("P1", SEND, reply, url=url))["sendSecureMessage"]) == ["NOT_SUPPORTED"]


async def test_a_feature_the_portal_stopped_offering_since_it_was_read_is_not_supported(
    actions: Actions, offering: Any
) -> None:
    config = dataclasses.replace(_config(actions), capability_refresh=0)  # read at startup only
    async with serve(create_app(config)) as base:
        url = f"{base}/graphql"
        offering("renewals.request")  # after the gateway read what the portal offers
        rx = [e["node"] for e in (await actions.ask("P1", RX, url=url))["me"]["prescriptions"]["edges"]]
        target = next(p for p in rx if p["renewal"]["eligible"])
        before = len(actions.resources("Task"))
        variables = {"input": {"prescriptionId": target["id"], "idempotencyKey": new_key()}}
        payload = (await actions.ask("P1", RENEW, variables, url=url))["requestPrescriptionRenewal"]
        assert _codes(payload) == ["NOT_SUPPORTED"] and payload["renewalRequest"] is None
        assert len(actions.resources("Task")) == before
