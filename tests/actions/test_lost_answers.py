"""GENESIS commits a write but its answer is lost: the retry with the same key finds that write.

A LosingProxy in front of the sandbox lets the write through and holds its answer past the
gateway's deadline. The first call answers SOURCE_UNAVAILABLE (the key is released), the write
did happen exactly once, and a retry with the same idempotency key reconciles with it (conditional
create on the `urn:mhs:gateway-request` identifier) instead of writing again; a third call replays.
"""

from __future__ import annotations

import uuid
from typing import Any

from sandbox.data.personas import DOD_IDS
from tests.actions.conftest import DOD_SYSTEM, Actions, new_key, source_id
from tests.actions.proxy import LosingProxy
from tests.actions.test_messages import SEND, THREADS
from tests.actions.test_questionnaires import PENDING, SUBMIT, VALID
from tests.actions.test_renewals import RENEW, eligible, renewal_tasks, staff_sets_status

REQUEST_SYSTEM = "urn:mhs:gateway-request"
MESSAGES_OF = "P3"  # many GENESIS threads and a care team; no other action test writes to them
ANSWERED_BY = "P3"  # gets assignments of its own here, so P1's one stays for test_questionnaires


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def _keyed(resource: dict[str, Any]) -> bool:
    """Whether the resource carries a gateway request identifier (list or, for a response, one)."""
    found = resource.get("identifier") or ()
    idents = [found] if isinstance(found, dict) else list(found)
    return any(i.get("system") == REQUEST_SYSTEM and i.get("value") for i in idents)


# ---- requestPrescriptionRenewal ----------------------------------------------------------------


async def _renew(actions: Actions, url: str, rx_id: str, key: str, note: str) -> dict[str, Any]:
    variables = {"input": {"prescriptionId": rx_id, "note": note, "idempotencyKey": key}}
    payload: dict[str, Any] = (await actions.ask("P1", RENEW, variables, url))["requestPrescriptionRenewal"]
    return payload


async def test_a_lost_renewal_answer_is_reconciled_on_retry(
    actions: Actions, losing_gateway: tuple[str, LosingProxy]
) -> None:
    url, proxy = losing_gateway
    rx = await eligible(actions, "EXPIRED")
    rx_source = rx["provenance"]["sourceId"]
    before = {t["id"] for t in renewal_tasks(actions, rx_source)}
    key, note = new_key(), f"lost answer {uuid.uuid4()}"
    proxy.stall.add(("POST", "/portal/v1/renewals"))
    try:
        lost = await _renew(actions, url, rx["id"], key, note)

        assert lost["renewalRequest"] is None and _codes(lost) == ["SOURCE_UNAVAILABLE"]
        assert [(m, status) for m, _, status in proxy.committed] == [("POST", 201)]
        written = [t for t in renewal_tasks(actions, rx_source) if t["id"] not in before]
        assert len(written) == 1  # it did happen, once
        (task,) = written
        assert task["status"] == "requested" and task["note"] == [{"text": note}] and _keyed(task)
        proxy.stall.clear()

        retried = await _renew(actions, url, rx["id"], key, note)

        assert retried["userErrors"] == []
        assert source_id(retried["renewalRequest"]["id"]) == task["id"]
        assert retried["renewalRequest"]["status"] == "REQUESTED" and retried["renewalRequest"]["note"] == note
        assert retried["renewalRequest"]["prescription"]["pendingRenewal"] == {"id": retried["renewalRequest"]["id"]}
        assert [t["id"] for t in renewal_tasks(actions, rx_source) if t["id"] not in before] == [task["id"]]
        assert await _renew(actions, url, rx["id"], key, note) == retried
        assert [t["id"] for t in renewal_tasks(actions, rx_source) if t["id"] not in before] == [task["id"]]
    finally:
        proxy.stall.clear()
        for t in renewal_tasks(actions, rx_source):  # leave the prescription eligible for the others
            if t["id"] not in before and t["status"] == "requested":
                await staff_sets_status(actions, t["id"], "rejected")


# ---- sendSecureMessage ----------------------------------------------------------------------------


async def _send(actions: Actions, url: str, key: str, **fields: Any) -> dict[str, Any]:
    variables = {"input": {**fields, "idempotencyKey": key}}
    payload: dict[str, Any] = (await actions.ask(MESSAGES_OF, SEND, variables, url))["sendSecureMessage"]
    return payload


def _with_body(actions: Actions, body: str) -> list[dict[str, Any]]:
    return [
        c
        for c in actions.resources("Communication")
        if any(p.get("contentString") == body for p in c.get("payload") or ())
    ]


async def _lost_then_retried(actions: Actions, url: str, proxy: LosingProxy, body: str, **target: Any) -> None:
    key = new_key()
    proxy.stall.add(("POST", "/portal/v1/messages"))
    try:
        lost = await _send(actions, url, key, body=body, **target)
    finally:
        proxy.stall.clear()

    assert lost["message"] is None and lost["thread"] is None and _codes(lost) == ["SOURCE_UNAVAILABLE"]
    assert [(m, status) for m, _, status in proxy.committed] == [("POST", 201)]
    (written,) = _with_body(actions, body)  # it did happen, once
    assert _keyed(written)

    retried = await _send(actions, url, key, body=body, **target)

    assert retried["userErrors"] == []
    assert source_id(retried["message"]["id"]) == written["id"] and retried["message"]["body"] == body
    assert [c["id"] for c in _with_body(actions, body)] == [written["id"]]
    assert await _send(actions, url, key, body=body, **target) == retried
    assert [c["id"] for c in _with_body(actions, body)] == [written["id"]]
    data = (await actions.ask(MESSAGES_OF, THREADS))["me"]["messageThreads"]["edges"]
    listed = data[0]["node"]
    assert listed["id"] == retried["thread"]["id"]
    assert [m["node"]["id"] for m in listed["messages"]["edges"]][:1] == [retried["message"]["id"]]


async def test_a_lost_reply_answer_is_reconciled_on_retry(
    actions: Actions, losing_gateway: tuple[str, LosingProxy]
) -> None:
    url, proxy = losing_gateway
    data = (await actions.ask(MESSAGES_OF, THREADS))["me"]["messageThreads"]["edges"]
    thread = next(e["node"] for e in data if e["node"]["provenance"]["source"] == "GENESIS" and e["node"]["canReply"])
    body = f"A reply whose answer was lost {uuid.uuid4()}"

    await _lost_then_retried(actions, url, proxy, body, threadId=thread["id"])

    (stored,) = _with_body(actions, body)
    assert stored["partOf"] == [{"reference": f"Communication/{thread['provenance']['sourceId']}"}]


async def test_a_lost_new_thread_answer_is_reconciled_on_retry(
    actions: Actions, losing_gateway: tuple[str, LosingProxy]
) -> None:
    url, proxy = losing_gateway
    team = (await actions.ask(MESSAGES_OF, THREADS))["me"]["primaryCareTeam"]
    assert team is not None
    body = f"A new thread whose answer was lost {uuid.uuid4()}"

    await _lost_then_retried(actions, url, proxy, body, careTeamId=team["id"], subject="Lost answer")

    (stored,) = _with_body(actions, body)
    assert "partOf" not in stored and stored["topic"] == {"text": "Lost answer"}
    assert stored["recipient"][0]["reference"] == f"CareTeam/{source_id(team['id'])}"


# ---- submitQuestionnaireResponse ------------------------------------------------------------------


async def _new_assignment(actions: Actions) -> str:
    """A fresh pending dental-history assignment for ANSWERED_BY, put in the sandbox; its GraphQL id."""
    store = actions.stack.portal.store
    model = store.get("Task", "task-p1-dental-history")  # P1's, as the sandbox seeds it
    assert model is not None
    wanted = {"system": DOD_SYSTEM, "value": DOD_IDS[ANSWERED_BY]}
    (patient,) = [
        p
        for p in actions.resources("Patient")
        if any({"system": i.get("system"), "value": i.get("value")} == wanted for i in p.get("identifier") or ())
    ]
    task = {k: v for k, v in model.items() if k not in ("id", "meta", "basedOn", "output")}
    task_id = f"task-lost-answer-{uuid.uuid4().hex[:12]}"
    store.put({**task, "id": task_id, "status": "requested", "for": {"reference": f"Patient/{patient['id']}"}})
    (pending,) = [a for a in await _assignments(actions) if source_id(a["id"]) == task_id]
    return str(pending["id"])


async def _assignments(actions: Actions, pending: bool = True) -> list[dict[str, Any]]:
    data = await actions.ask(ANSWERED_BY, PENDING, {"pending": pending})
    found: list[dict[str, Any]] = data["me"]["questionnaires"]
    return found


async def _submit(actions: Actions, url: str, assignment_id: str, key: str) -> dict[str, Any]:
    variables = {"input": {"assignmentId": assignment_id, "answers": VALID, "idempotencyKey": key}}
    payload: dict[str, Any] = (await actions.ask(ANSWERED_BY, SUBMIT, variables, url))["submitQuestionnaireResponse"]
    return payload


def _responses_to(actions: Actions, task_id: str) -> list[dict[str, Any]]:
    return [
        r
        for r in actions.resources("QuestionnaireResponse")
        if {"reference": f"Task/{task_id}"} in (r.get("basedOn") or [])
    ]


def _task(actions: Actions, task_id: str) -> dict[str, Any]:
    found = actions.stack.portal.store.get("Task", task_id)
    assert found is not None
    return dict(found)


async def _lost_submission(actions: Actions, url: str, proxy: LosingProxy) -> None:
    """The answers' POST commits (the portal stores the response and completes the assignment in one
    step), and its answer is lost."""
    assignment_id = await _new_assignment(actions)
    task_id = source_id(assignment_id)
    key = new_key()
    method, path = "POST", f"/portal/v1/assignments/{task_id}/answers"
    proxy.stall.add((method, path))
    try:
        lost = await _submit(actions, url, assignment_id, key)
    finally:
        proxy.stall.clear()

    assert lost["assignment"] is None and _codes(lost) == ["SOURCE_UNAVAILABLE"]
    assert [(m, p) for m, p, _ in proxy.committed] == [(method, path)]
    assert [status for _, _, status in proxy.committed] == [200]
    (response,) = _responses_to(actions, task_id)  # it did happen, once
    assert response["status"] == "completed" and _keyed(response)
    task = _task(actions, task_id)
    assert task["status"] == "completed"
    assert task["output"][0]["valueReference"] == {"reference": f"QuestionnaireResponse/{response['id']}"}

    retried = await _submit(actions, url, assignment_id, key)

    assert retried["userErrors"] == []
    assert retried["assignment"]["id"] == assignment_id and retried["assignment"]["completedAt"] is not None
    assert [r["id"] for r in _responses_to(actions, task_id)] == [response["id"]]
    task = _task(actions, task_id)
    assert task["status"] == "completed"
    assert task["output"] == [
        {
            "type": {"text": "QuestionnaireResponse"},
            "valueReference": {"reference": f"QuestionnaireResponse/{response['id']}"},
        }
    ]
    assert await _submit(actions, url, assignment_id, key) == retried
    assert [r["id"] for r in _responses_to(actions, task_id)] == [response["id"]]
    assert assignment_id not in {a["id"] for a in await _assignments(actions)}
    (listed,) = [a for a in await _assignments(actions, pending=False) if a["id"] == assignment_id]
    assert listed["completedAt"] == retried["assignment"]["completedAt"]


async def test_a_lost_questionnaire_response_answer_is_reconciled_on_retry(
    actions: Actions, losing_gateway: tuple[str, LosingProxy]
) -> None:
    url, proxy = losing_gateway
    await _lost_submission(actions, url, proxy)
