"""Prescription renewals: an eligible GENESIS prescription becomes a renewal Task, once per key."""

from __future__ import annotations

from typing import Any

from sources.records import RecordSource
from tests.actions.conftest import Actions, new_key, source_id
from tests.support.gql import gql

RX = """query { me { prescriptions(first: 50) { edges { node {
  id status provenance { source sourceId } renewal { eligible reason } pendingRenewal { id status note } } } } } }"""
RENEW = """mutation Renew($input: RequestPrescriptionRenewalInput!) { requestPrescriptionRenewal(input: $input) {
  renewalRequest { id status note requestedAt prescription { id renewal { reason } pendingRenewal { id } } }
  userErrors { field code message } } }"""
RENEWAL_NODE = """query N($id: ID!) { node(id: $id) { ... on RenewalRequest { status } } }"""


class _Quiet:
    def upstream_call(self, source: RecordSource, kind: str, status: str, seconds: float) -> None:
        return None


async def prescriptions(actions: Actions, who: str = "P1") -> list[dict[str, Any]]:
    data = await actions.ask(who, RX)
    return [e["node"] for e in data["me"]["prescriptions"]["edges"]]


async def eligible(actions: Actions, reason: str) -> dict[str, Any]:
    found = [p for p in await prescriptions(actions) if p["renewal"] == {"eligible": True, "reason": reason}]
    assert found, f"P1 has no eligible prescription ({reason}) left"
    return found[0]


async def renew(
    actions: Actions, rx_id: str, key: str | None = None, note: str | None = None, who: str = "P1"
) -> dict[str, Any]:
    variables = {"input": {"prescriptionId": rx_id, "note": note, "idempotencyKey": key or new_key()}}
    payload: dict[str, Any] = (await actions.ask(who, RENEW, variables))["requestPrescriptionRenewal"]
    return payload


def renewal_tasks(actions: Actions, rx_source_id: str) -> list[dict[str, Any]]:
    return [
        t
        for t in actions.resources("Task")
        if any(c.get("code") == "renewal" for c in (t.get("code") or {}).get("coding") or ())
        and (t.get("focus") or {}).get("reference") == f"MedicationRequest/{rx_source_id}"
    ]


async def staff_sets_status(actions: Actions, task_id: str, status: str) -> None:
    """A pharmacist moves the request on in GENESIS's patient portal (staff work there, not through
    the patients' portal API: the sandbox's store stands in for them)."""
    store = actions.stack.portal.store
    task = store.get("Task", task_id)
    assert task is not None
    store.update({**task, "status": status}, task_id)


async def test_request_shows_as_pending_and_follows_the_pharmacy(actions: Actions) -> None:
    rx = await eligible(actions, "NO_REFILLS_LEFT")
    key = new_key()

    payload = await renew(actions, rx["id"], key, note="Running out on Friday")

    assert payload["userErrors"] == []
    request = payload["renewalRequest"]
    assert request["status"] == "REQUESTED" and request["note"] == "Running out on Friday"
    assert request["prescription"]["id"] == rx["id"]
    assert request["prescription"]["pendingRenewal"] == {"id": request["id"]}
    assert request["prescription"]["renewal"] == {"reason": "RENEWAL_PENDING"}
    listed = {p["id"]: p for p in await prescriptions(actions)}[rx["id"]]
    assert listed["renewal"] == {"eligible": False, "reason": "RENEWAL_PENDING"}
    assert listed["pendingRenewal"] == {"id": request["id"], "status": "REQUESTED", "note": "Running out on Friday"}
    (task,) = renewal_tasks(actions, rx["provenance"]["sourceId"])
    assert task["status"] == "requested" and task["intent"] == "order"
    assert task["for"]["reference"] == task["requester"]["reference"]
    assert task["owner"]["reference"].startswith("Practitioner/")
    assert task["note"] == [{"text": "Running out on Friday"}]
    assert task["identifier"][0]["system"] == "urn:mhs:gateway-request"

    again = await renew(actions, rx["id"], note="Another try")
    assert again["renewalRequest"] is None
    assert [(e["code"], e["field"]) for e in again["userErrors"]] == [("RENEWAL_PENDING", ["input", "prescriptionId"])]
    assert len(renewal_tasks(actions, rx["provenance"]["sourceId"])) == 1

    for status, shown in (("accepted", "IN_REVIEW"), ("completed", "APPROVED")):
        await staff_sets_status(actions, task["id"], status)
        data = await actions.ask("P1", RENEWAL_NODE, {"id": request["id"]})
        assert data["node"] == {"status": shown}
    after = {p["id"]: p for p in await prescriptions(actions)}[rx["id"]]
    assert after["pendingRenewal"] is None  # approved: no longer open


async def test_a_denied_request_can_be_asked_again(actions: Actions) -> None:
    rx = await eligible(actions, "EXPIRED")
    first = await renew(actions, rx["id"])
    assert first["userErrors"] == []
    await staff_sets_status(actions, source_id(first["renewalRequest"]["id"]), "rejected")
    data = await actions.ask("P1", RENEWAL_NODE, {"id": first["renewalRequest"]["id"]})
    assert data["node"] == {"status": "DENIED"}

    listed = {p["id"]: p for p in await prescriptions(actions)}[rx["id"]]
    assert listed["renewal"] == {"eligible": True, "reason": "EXPIRED"} and listed["pendingRenewal"] is None
    second = await renew(actions, rx["id"])
    assert second["userErrors"] == [] and second["renewalRequest"]["id"] != first["renewalRequest"]["id"]
    await staff_sets_status(actions, source_id(second["renewalRequest"]["id"]), "rejected")


async def test_a_retry_with_the_same_key_replays_without_writing(actions: Actions) -> None:
    rx = await eligible(actions, "EXPIRED")
    key = new_key()
    first = await renew(actions, rx["id"], key, note="please")
    assert first["userErrors"] == []
    before = len(actions.resources("Task"))

    again = await renew(actions, rx["id"], key, note="please")

    assert again == first
    assert len(actions.resources("Task")) == before
    pending = [t for t in renewal_tasks(actions, rx["provenance"]["sourceId"]) if t["status"] == "requested"]
    assert len(pending) == 1
    other = await renew(actions, rx["id"], key, note="something else")
    assert other["renewalRequest"] is None
    assert [e["code"] for e in other["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    await staff_sets_status(actions, source_id(first["renewalRequest"]["id"]), "rejected")


async def test_refusals_write_nothing(actions: Actions) -> None:
    listed = await prescriptions(actions)
    by_reason = {p["renewal"]["reason"]: p for p in listed}
    tasks = len(actions.resources("Task"))
    for reason in ("HAS_REFILLS", "NOT_GENESIS", "INACTIVE"):
        assert reason in by_reason, reason
        payload = await renew(actions, by_reason[reason]["id"])
        assert payload["renewalRequest"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(reason, ["input", "prescriptionId"])]
    # another patient's prescription is as unknown as one that does not exist
    others = await prescriptions(actions, "P4")
    assert others
    for rx_id in (others[0]["id"], _opaque("Prescription:GENESIS:no-such-rx")):
        payload = await renew(actions, rx_id)
        assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    long_note = await renew(actions, by_reason["HAS_REFILLS"]["id"], note="x" * 2001)
    assert [e["code"] for e in long_note["userErrors"]] == ["NOTE_TOO_LONG"]
    for who in ("C1", "A1"):
        payload = await renew(actions, listed[0]["id"], who=who)
        assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    assert len(actions.resources("Task")) == tasks


async def test_a_genesis_failure_writes_nothing_and_a_retry_succeeds_once(actions: Actions) -> None:
    rx = await eligible(actions, "EXPIRED")
    key = new_key()
    await actions.faults(error_status=503)

    variables = {"input": {"prescriptionId": rx["id"], "idempotencyKey": key}}
    status, body = await gql(actions.stack, RENEW, variables, token=actions.token("P1"))

    assert status == 200
    failed = body["data"]["requestPrescriptionRenewal"]
    assert failed["renewalRequest"] is None
    assert [e["code"] for e in failed["userErrors"]] == ["SOURCE_UNAVAILABLE"]
    await actions.clear_faults()
    open_before = [t for t in renewal_tasks(actions, rx["provenance"]["sourceId"]) if t["status"] == "requested"]
    assert open_before == []
    retried = await renew(actions, rx["id"], key)
    assert retried["userErrors"] == []
    again = await renew(actions, rx["id"], key)
    assert again == retried
    open_after = [t for t in renewal_tasks(actions, rx["provenance"]["sourceId"]) if t["status"] == "requested"]
    assert len(open_after) == 1
    await staff_sets_status(actions, open_after[0]["id"], "rejected")


def _opaque(raw: str) -> str:
    import base64

    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
