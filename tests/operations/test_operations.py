"""Every operation in operations/ runs, as each persona it is for, against a demo stack of its own
(the mutations change its data): queries answer without errors, mutations without userErrors."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from gateway.operations import Operation, load_operations
from tests.support.analysts import wait_for_mart
from tests.support.gql import gql
from tests.support.limits import GENEROUS_LIMITS

if TYPE_CHECKING:
    from gateway.demo.stack import DemoStack

OPERATIONS = {operation.name: operation for operation in load_operations()}
QUERIES = [(op, persona) for op in OPERATIONS.values() if op.kind == "query" for persona in op.personas]
EVERYONE = "{ cohort(criteria: {}) { patients(first: 1) { patients { id } } } }"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(pg_admin_dsn: str) -> AsyncIterator[DemoStack]:
    from gateway.demo.stack import DemoStack

    async with DemoStack(port=0, database_url=pg_admin_dsn, fresh_databases=True, today=dt.date.today(),
                         extra_patients=12, gateway_env=GENEROUS_LIMITS, mart_refresh=3600) as running:
        yield running


def _variables(operation: Operation) -> dict[str, Any]:
    midnight = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    days = {n: (midnight + dt.timedelta(days=n)).isoformat() for n in (7, 30, 60)}
    return operation.variables_on(midnight.isoformat(), days)


async def run(stack: DemoStack, name: str, persona: str, **variables: Any) -> dict[str, Any]:
    operation = OPERATIONS[name]
    token = stack.info()["tokens"][persona]
    status, body = await gql(stack, operation.text, {**_variables(operation), **variables}, token=token)
    assert status == 200 and "errors" not in body, (name, persona, body)
    assert all(value is not None for value in body["data"].values()), (name, persona, body)
    data: dict[str, Any] = body["data"]
    return data


def test_the_portal_and_mobile_operations_are_all_here() -> None:
    assert {"WholeRecord", "DentalQuestionnaire", "PortalHome", "MobileHome", "BookAppointment"} <= set(OPERATIONS)
    assert all(op.kind == "query" or op.roles == ("patient",) for op in OPERATIONS.values())  # patients write


@pytest.mark.parametrize(("operation", "persona"), QUERIES, ids=[f"{o.name}-{p}" for o, p in QUERIES])
async def test_every_query_runs_as_each_persona_it_is_for(stack: DemoStack, operation: Operation, persona: str) -> None:
    extra: dict[str, Any] = {}
    if "analyst" in operation.roles:
        await wait_for_mart(stack)  # the demo builds the de-identified mart in the background
    if operation.name == "MessageThread":
        threads = (await run(stack, "MessageThreads", persona, folder=None))["me"]["messageThreads"]["edges"]
        extra["id"] = threads[0]["node"]["id"]
    if operation.name == "CohortMember":  # a member of everyone (the stack's extra patients pass the threshold)
        status, body = await gql(stack, EVERYONE, token=stack.info()["tokens"][persona])
        assert status == 200 and body["data"]["cohort"]["patients"], body
        extra["id"] = body["data"]["cohort"]["patients"]["patients"][0]["id"]
    data = await run(stack, operation.name, persona, **extra)
    if operation.name == "DentalQuestionnaire":
        [pending] = data["me"]["questionnaires"]
        groups = [i for i in pending["questionnaire"]["items"] if i["type"] == "GROUP"]
        assert groups and all(group["items"] for group in groups)  # the nested items came back


def _answers(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An answer for every required question, group members included."""
    value = {"BOOLEAN": ("valueBoolean", False), "INTEGER": ("valueInteger", 2), "DECIMAL": ("valueDecimal", 1.5),
             "DATE": ("valueDate", "2025-01-02"), "STRING": ("valueString", "none"), "TEXT": ("valueString", "none")}
    answers: list[dict[str, Any]] = []
    for item in items:
        if item["type"] == "GROUP":
            answers += _answers(item.get("items") or [])
        elif item["required"]:
            key, answer = ("valueString", item["options"][0]) if item["type"] == "CHOICE" else value[item["type"]]
            answers.append({"linkId": item["linkId"], key: answer})
    return answers


def _key() -> str:
    return f"ops-{uuid.uuid4()}"


async def test_every_mutation_runs_as_a_patient_would(stack: DemoStack) -> None:
    slots = (await run(stack, "Appointments", "P1"))["availableSlots"]
    booked = (await run(stack, "BookAppointment", "P1", slotId=slots[0]["id"], key=_key()))["bookAppointment"]
    assert booked["userErrors"] == [] and booked["appointment"]["status"] == "BOOKED"
    appointment = booked["appointment"]["id"]
    moved = await run(stack, "RescheduleAppointment", "P1", appointmentId=appointment, slotId=slots[1]["id"],
                      key=_key())
    assert moved["rescheduleAppointment"]["userErrors"] == []
    appointment = moved["rescheduleAppointment"]["appointment"]["id"]
    cancelled = await run(stack, "CancelAppointment", "P1", appointmentId=appointment, key=_key())
    assert cancelled["cancelAppointment"]["userErrors"] == []

    prescriptions = (await run(stack, "Prescriptions", "P1"))["me"]["prescriptions"]["edges"]
    renewable = next(e["node"]["id"] for e in prescriptions if e["node"]["renewal"]["eligible"])
    renewed = await run(stack, "RequestRenewal", "P1", prescriptionId=renewable, key=_key())
    assert renewed["requestPrescriptionRenewal"]["userErrors"] == []

    team = (await run(stack, "WholeRecord", "P1"))["me"]["primaryCareTeam"]["id"]
    sent = await run(stack, "SendMessage", "P1", careTeamId=team, key=_key())
    assert sent["sendSecureMessage"]["userErrors"] == [] and sent["sendSecureMessage"]["message"]["body"] == "Hello"

    [pending] = (await run(stack, "DentalQuestionnaire", "P1"))["me"]["questionnaires"]
    answers = _answers(pending["questionnaire"]["items"])
    submitted = await run(stack, "SubmitQuestionnaire", "P1", assignmentId=pending["id"], answers=answers, key=_key())
    assert submitted["submitQuestionnaireResponse"]["userErrors"] == []
    assert submitted["submitQuestionnaireResponse"]["assignment"]["completedAt"]
