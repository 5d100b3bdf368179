"""Bad mutation input: refused with a stable code and nothing written, never a 500."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
import pytest_asyncio

from tests.robustness.conftest import Answer, assert_clean, assert_still_answers, send

pytestmark = pytest.mark.asyncio(loop_scope="session")

BOOK = "mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { appointment { id } userErrors { code field } } }"  # noqa: E501
CANCEL = "mutation($i: CancelAppointmentInput!) { cancelAppointment(input: $i) { appointment { id } userErrors { code field } } }"  # noqa: E501
RESCHEDULE = "mutation($i: RescheduleAppointmentInput!) { rescheduleAppointment(input: $i) { appointment { id } userErrors { code field } } }"  # noqa: E501
RENEW = "mutation($i: RequestPrescriptionRenewalInput!) { requestPrescriptionRenewal(input: $i) { renewalRequest { id } userErrors { code field } } }"  # noqa: E501
SEND = "mutation($i: SendSecureMessageInput!) { sendSecureMessage(input: $i) { message { id } userErrors { code field } } }"  # noqa: E501
SUBMIT = "mutation($i: SubmitQuestionnaireResponseInput!) { submitQuestionnaireResponse(input: $i) { assignment { id completedAt } userErrors { code field } } }"  # noqa: E501
IDS = """{ me {
  appointments(first: 50) { edges { node { id status canCancel } } }
  prescriptions { edges { node { id renewal { eligible } } } }
  messageThreads { edges { node { id canReply } } }
  primaryCareTeam { id }
  questionnaires { id completedAt }
} }"""
SLOTS = ('{ availableSlots(service: DENTAL, from: "%s", to: "%s") { id } }')


def b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def key() -> str:
    return uuid.uuid4().hex


class Client:
    def __init__(self, stack: Any) -> None:
        self.url = stack.info()["graphql_url"]
        self.token = stack.info()["tokens"]["P1"]

    async def run(self, query: str, variables: Any) -> Answer:
        return await send(self.url, self.token, body=json.dumps({"query": query, "variables": variables}).encode())

    async def data(self, query: str) -> Any:
        answer = await self.run(query, {})
        assert answer.status == 200, answer
        return answer.json()["data"]


@pytest_asyncio.fixture(loop_scope="session")
async def p1(demo_stack: Any) -> tuple[Client, dict[str, Any]]:
    client = Client(demo_stack)
    me = (await client.data(IDS))["me"]
    import datetime as dt
    start = dt.date.today() + dt.timedelta(days=3)
    slots = (await client.data(SLOTS % (f"{start}T00:00:00Z", f"{start + dt.timedelta(days=60)}T00:00:00Z")))
    ids = {
        "appointment": next(e["node"]["id"] for e in me["appointments"]["edges"] if e["node"]["canCancel"]),
        "prescription": next(e["node"]["id"] for e in me["prescriptions"]["edges"] if e["node"]["renewal"]["eligible"]),
        "thread": next(e["node"]["id"] for e in me["messageThreads"]["edges"] if e["node"]["canReply"]),
        "team": me["primaryCareTeam"]["id"],
        "assignment": me["questionnaires"][0]["id"],
        "slot": slots["availableSlots"][-1]["id"],
    }
    return client, ids


def _inputs(ids: dict[str, str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """One valid-looking input per mutation (each would write if it were run with a good key)."""
    return {
        "book": (BOOK, {"slotId": ids["slot"]}),
        "cancel": (CANCEL, {"appointmentId": ids["appointment"]}),
        "reschedule": (RESCHEDULE, {"appointmentId": ids["appointment"], "newSlotId": ids["slot"]}),
        "renew": (RENEW, {"prescriptionId": ids["prescription"]}),
        "reply": (SEND, {"threadId": ids["thread"], "body": "hello"}),
        "new thread": (SEND, {"careTeamId": ids["team"], "subject": "s", "body": "hello"}),
        "questionnaire": (SUBMIT, {"assignmentId": ids["assignment"], "answers": [
            {"linkId": "tooth-pain", "valueBoolean": False}, {"linkId": "brushing-per-day", "valueInteger": 2},
            {"linkId": "floss", "valueString": "Daily"}]}),
    }


MUTATIONS = ["book", "cancel", "reschedule", "renew", "reply", "new thread", "questionnaire"]
# which id field of which mutation, and an id of another type to put there
WRONG_IDS = [
    ("book", "slotId", "appointment"), ("cancel", "appointmentId", "slot"), ("reschedule", "newSlotId", "thread"),
    ("reschedule", "appointmentId", "prescription"), ("renew", "prescriptionId", "thread"),
    ("reply", "threadId", "prescription"), ("new thread", "careTeamId", "thread"),
    ("questionnaire", "assignmentId", "appointment"),
]
BAD_KEYS = [
    ("NUL", "a\x00b", 400), ("only NUL", "\x00", 400), ("too long", "k" * 201, 200), ("blank", "   ", 200),
    ("empty", "", 200),
]


def refused(answer: Answer, status: int) -> None:
    """Refused with a code: a 4xx error, or (200) userErrors, or a coded error; nothing written."""
    assert_clean(answer)
    assert answer.status == status, answer
    body = answer.json()
    if status != 200:
        assert "data" not in body
        return
    if body.get("errors"):
        return
    (payload,) = body["data"].values()
    assert payload["userErrors"], body
    assert all(e["code"] for e in payload["userErrors"])
    assert not any(v for k, v in payload.items() if k != "userErrors"), body


@pytest.mark.parametrize(("mutation", "field", "other"), WRONG_IDS, ids=[f"{m}.{f}={o}" for m, f, o in WRONG_IDS])
async def test_an_id_of_another_type_is_refused(
    p1: tuple[Client, dict[str, Any]], mutation: str, field: str, other: str
) -> None:
    client, ids = p1
    query, values = _inputs(ids)[mutation]
    answer = await client.run(query, {"i": {**values, field: ids[other], "idempotencyKey": key()}})
    refused(answer, 200)


@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize(("junk", "status"), [
    ("", 200), ("!!!!", 200), (b64("Slot:GENESIS:"), 200), (b64("Slot:NOPE:1"), 200),
    ("a" * 50_000, 400),  # over the argument's bound: refused before anything runs
])
async def test_a_junk_id_is_refused(p1: tuple[Client, dict[str, Any]], mutation: str, junk: str, status: int) -> None:
    client, ids = p1
    query, values = _inputs(ids)[mutation]
    id_field = next(k for k in values if k.endswith("Id"))
    answer = await client.run(query, {"i": {**values, id_field: junk, "idempotencyKey": key()}})
    refused(answer, status)


@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize(("name", "bad", "status"), BAD_KEYS, ids=[k[0] for k in BAD_KEYS])
async def test_a_bad_idempotency_key_is_refused_as_input(
    p1: tuple[Client, dict[str, Any]], mutation: str, name: str, bad: str, status: int
) -> None:
    """Not SOURCE_UNAVAILABLE ("retry later"): a key no store can hold is the client's mistake."""
    client, ids = p1
    query, values = _inputs(ids)[mutation]
    answer = await client.run(query, {"i": {**values, "idempotencyKey": bad}})
    refused(answer, status)
    assert "SOURCE_UNAVAILABLE" not in answer.text
    assert "BAD_USER_INPUT" in answer.text


ANSWERS = [
    ("no answers", []),
    ("several values", [{"linkId": "tooth-pain", "valueBoolean": True, "valueString": "yes", "valueInteger": 1}]),
    ("no value", [{"linkId": "tooth-pain"}]),
    ("unknown linkId", [{"linkId": "nope", "valueBoolean": True}]),
    ("duplicate", [{"linkId": "tooth-pain", "valueBoolean": True}, {"linkId": "tooth-pain", "valueBoolean": False}]),
    ("a heading", [{"linkId": "intro", "valueString": "x"}]),
    ("a group", [{"linkId": "medical", "valueString": "x"}]),
    ("wrong type", [{"linkId": "brushing-per-day", "valueString": "two"}]),
    ("not an option", [{"linkId": "floss", "valueString": "Hourly"}]),
    ("unicode linkId", [{"linkId": "🦷\u202e", "valueBoolean": True}]),
    ("long linkId", [{"linkId": "l" * 120, "valueBoolean": True}]),
    ("many answers", [{"linkId": f"x{i}", "valueBoolean": True} for i in range(400)]),
]
OVER_BOUNDS = [  # past what the schema's input bounds admit: refused before anything runs
    ("huge linkId", [{"linkId": "l" * 50_000, "valueBoolean": True}]),
    ("too many answers", [{"linkId": f"x{i}", "valueBoolean": True} for i in range(2_000)]),
]
INVALID_VALUES = [
    ("date 2026-13-45", [{"linkId": "last-cleaning", "valueDate": "2026-13-45"}]),
    ("date yesterday", [{"linkId": "last-cleaning", "valueDate": "yesterday"}]),
    ("integer 2**63", [{"linkId": "brushing-per-day", "valueInteger": 2**63}]),
    ("decimal as string", [{"linkId": "sugary-drinks", "valueDecimal": "1.5"}]),
    ("answers not a list of objects", [1, 2]),
    ("linkId null", [{"linkId": None, "valueBoolean": True}]),
]


@pytest.mark.parametrize(("name", "answers"), ANSWERS, ids=[a[0] for a in ANSWERS])
async def test_questionnaire_answers_are_checked(
    p1: tuple[Client, dict[str, Any]], name: str, answers: list[Any]
) -> None:
    client, ids = p1
    answer = await client.run(SUBMIT, {"i": {"assignmentId": ids["assignment"], "answers": answers,
                                             "idempotencyKey": key()}})
    refused(answer, 200)
    assert "userErrors" in answer.text


@pytest.mark.parametrize(("name", "answers"), OVER_BOUNDS, ids=[a[0] for a in OVER_BOUNDS])
async def test_questionnaire_answers_past_the_bounds_are_refused_as_input(
    p1: tuple[Client, dict[str, Any]], name: str, answers: list[Any]
) -> None:
    client, ids = p1
    answer = await client.run(SUBMIT, {"i": {"assignmentId": ids["assignment"], "answers": answers,
                                             "idempotencyKey": key()}})
    refused(answer, 400)
    assert answer.json()["errors"][0]["extensions"]["argument"].startswith("input.answers")


@pytest.mark.parametrize(("name", "answers"), INVALID_VALUES, ids=[a[0] for a in INVALID_VALUES])
async def test_questionnaire_values_of_the_wrong_json_type(
    p1: tuple[Client, dict[str, Any]], name: str, answers: list[Any]
) -> None:
    client, ids = p1
    answer = await client.run(SUBMIT, {"i": {"assignmentId": ids["assignment"], "answers": answers,
                                             "idempotencyKey": key()}})
    refused(answer, 400)
    assert answer.codes()[0] == "BAD_USER_INPUT"


async def test_the_pending_questionnaire_is_still_pending(p1: tuple[Client, dict[str, Any]], demo_stack: Any) -> None:
    """None of the refusals above wrote anything."""
    client, ids = p1
    me = (await client.data("{ me { questionnaires { id completedAt } } }"))["me"]
    assert ids["assignment"] in [q["id"] for q in me["questionnaires"] if q["completedAt"] is None]
    await assert_still_answers(client.url, client.token)


@pytest.mark.parametrize(("mutation", "field", "other"), WRONG_IDS, ids=[f"{m}.{f}={o}" for m, f, o in WRONG_IDS])
async def test_every_mutation_answers_a_bad_id_the_same_way(
    p1: tuple[Client, dict[str, Any]], mutation: str, field: str, other: str
) -> None:
    """Frontends get one shape for a bad id: a BAD_USER_INPUT userError on that input field."""
    client, ids = p1
    query, values = _inputs(ids)[mutation]
    for bad in (ids[other], "!!!!"):
        answer = await client.run(query, {"i": {**values, field: bad, "idempotencyKey": key()}})
        assert answer.status == 200, answer
        body = answer.json()
        assert "errors" not in body, body
        (payload,) = body["data"].values()
        assert payload["userErrors"] == [{"code": "BAD_USER_INPUT", "field": ["input", field]}], body
