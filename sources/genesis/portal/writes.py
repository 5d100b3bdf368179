"""Writing to the portal: a new thread or a reply, a renewal request, a questionnaire's answers.

Each write carries the request key as `Idempotency-Key` (the portal answers what the first write
with it stored) and as an identifier (`urn:mhs:gateway-request`), so a rerun after a lost answer
finds what the first attempt wrote. The shapes are today's FHIR conventions (docs/fhir-conventions.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ...base import Filters, PageRequest
from ...errors import SourceUnavailable
from ...fhir.values import fhir_instant, instant, ref_id, ref_type
from ...records import (
    MessageRecord,
    MessageThreadRecord,
    QuestionnaireAssignmentRecord,
    QuestionnaireItemRecord,
    QuestionnaireItemType,
    RecordKind,
    RenewalRequestRecord,
)
from ...writes import ANSWER_FIELD, AnswerValue, NewThread, RenewalAsk, Reply, Sent, Submission, WriteRefused
from .. import mapping
from ..name import GENESIS
from ..writes.base import REQUEST_SYSTEM, valid_id
from .client import Json, PortalClient, PortalRefused
from .reads import context, thread_members

__all__ = ["renewal_task", "renewal_written_by", "reply", "request_renewal", "response_items", "start_thread",
           "submit_answers"]  # fmt: skip

_MESSAGE = RecordKind.MESSAGE.value
_RENEWAL = RecordKind.RENEWAL_REQUEST.value
_ASSIGNMENT = RecordKind.QUESTIONNAIRE_ASSIGNMENT.value


def _ref(resource_type: str, rid: str, display: str | None = None) -> dict[str, str]:
    out = {"reference": f"{resource_type}/{rid}"}
    if display:
        out["display"] = display
    return out


def _keyed(key: str) -> list[dict[str, str]]:
    return [{"system": REQUEST_SYSTEM, "value": key}]


# ---- messages -----------------------------------------------------------------------------------


def _sent_instant(value: dt.datetime) -> str:
    """`sent` to the millisecond: messages a moment apart must still order newest first."""
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _communication(key: str, patient: Mapping[str, Any], body: str, sent_at: dt.datetime) -> dict[str, Any]:
    return {
        "resourceType": "Communication",
        "identifier": _keyed(key),
        "status": "completed",
        "subject": dict(patient),
        "sender": dict(patient),
        "sent": _sent_instant(sent_at),
        "payload": [{"contentString": body}],
    }


def _sent(members: list[Json], root_id: str, message_id: str) -> Sent:
    """The thread (its root and replies, the new message among them) as records."""
    unique = list({str(c.get("id")): c for c in members}.values())
    ctx = context(unique)
    threads = [t for t in mapping.threads(ctx.bundle, ctx, PageRequest(first=1)) if isinstance(t, MessageThreadRecord)]
    page = PageRequest(first=len(unique), filters=Filters(thread_id=root_id))
    messages = [m for m in mapping.messages(ctx.bundle, ctx, page) if isinstance(m, MessageRecord)]
    thread = next((t for t in threads if t.provenance.source_id == root_id), None)
    message = next((m for m in messages if m.provenance.source_id == message_id), None)
    if thread is None or message is None:
        raise SourceUnavailable(GENESIS, "unreadable answer (portal message)")
    return Sent(thread, message)


async def start_thread(client: PortalClient, new: NewThread) -> Sent:
    """Write the root of a new thread (topic = subject, recipient = the care team)."""
    patient = _ref("Patient", new.patient_id, new.patient_display)
    resource = _communication(new.request_key, patient, new.body, new.sent_at)
    resource["recipient"] = [_ref("CareTeam", new.care_team_id, new.care_team_name)]
    resource["topic"] = {"text": new.subject}
    stored = await client.write(_MESSAGE, "messages", resource, new.request_key, "careTeam")
    rid = str(stored.get("id"))
    return _sent([stored], rid, rid)


def _newest(members: list[Json]) -> Json:
    floor = dt.datetime.min.replace(tzinfo=dt.UTC)
    return max(members, key=lambda c: (instant(c.get("sent")) or floor, str(c.get("id"))))


def _written_by(resource: Mapping[str, Any], key: str) -> bool:
    return any(i.get("system") == REQUEST_SYSTEM and i.get("value") == key for i in resource.get("identifier") or ())


async def reply(client: PortalClient, r: Reply) -> Sent:
    """Write a reply: partOf the root, inResponseTo the newest message, to the thread's practitioner."""
    if not valid_id(r.thread_id):
        raise WriteRefused("NOT_FOUND", "thread", "not a thread of this patient")
    found = await thread_members(client, _MESSAGE, r.thread_id, [r.patient_id])
    members = [c for c in found if c.get("status") != "entered-in-error"]
    root = next((c for c in members if str(c.get("id")) == r.thread_id), None)
    if root is None or ref_id(root.get("subject"), "Patient") != r.patient_id or root.get("partOf"):
        raise WriteRefused("NOT_FOUND", "thread", "not a thread of this patient")
    staff = [c for c in members if ref_type(c.get("sender")) == "Practitioner"]
    recipients = [dict(_newest(staff)["sender"])] if staff else list(root.get("recipient") or ())
    resource = _communication(r.request_key, root["subject"], r.body, r.sent_at)
    resource["recipient"] = recipients
    resource["partOf"] = [_ref("Communication", r.thread_id)]
    resource["inResponseTo"] = [_ref("Communication", str(_newest(members).get("id")))]
    mine = [c for c in members if _written_by(c, r.request_key)]
    if mine:
        stored = mine[0]
    else:
        try:
            stored = await client.write(_MESSAGE, "messages", resource, r.request_key, "thread")
        except PortalRefused as exc:
            if exc.code == "not-found":
                raise WriteRefused("NOT_FOUND", "thread", "not a thread of this patient") from exc
            raise
    return _sent([*members, stored], r.thread_id, str(stored.get("id")))


# ---- renewal requests ---------------------------------------------------------------------------


def renewal_task(task: RenewalAsk) -> dict[str, Any]:
    """The Task of a renewal request (docs/fhir-conventions.md, Prescriptions)."""
    patient = {"reference": f"Patient/{task.patient_id}"}
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "identifier": _keyed(task.request_key),
        "status": "requested",
        "intent": "order",
        "code": {"coding": [{"system": mapping.TASK_CODE_SYSTEM, "code": "renewal"}]},
        "description": "Prescription renewal request",
        "focus": {"reference": f"MedicationRequest/{task.prescription_id}"},
        "for": patient,
        "requester": patient,
        "authoredOn": fhir_instant(task.authored_at),
    }
    if task.prescriber_id:
        resource["owner"] = {"reference": f"Practitioner/{task.prescriber_id}"}
    if task.note:
        resource["note"] = [{"text": task.note}]
    return resource


async def renewal_written_by(client: PortalClient, request_key: str) -> str | None:
    """The id of the request an earlier attempt with `request_key` wrote (its answer lost), or None."""
    found = await client.search(_RENEWAL, "renewals", [("request", request_key)])
    return next((str(t.get("id")) for t in found), None)


async def request_renewal(client: PortalClient, ask: RenewalAsk) -> RenewalRequestRecord:
    """Write the request (the portal answers the first one again for the same key)."""
    stored = await client.write(_RENEWAL, "renewals", renewal_task(ask), ask.request_key, "prescription")
    record = mapping.renewal(stored, context([stored]))
    if not isinstance(record, RenewalRequestRecord):
        raise SourceUnavailable(GENESIS, "unreadable answer (portal renewal request)")
    return record


# ---- questionnaire answers ----------------------------------------------------------------------


def _value(item: QuestionnaireItemRecord, value: AnswerValue) -> dict[str, Any]:
    field = ANSWER_FIELD[item.type]
    return {field: value.isoformat()} if isinstance(value, dt.date) else {field: value}


def response_items(
    items: Sequence[QuestionnaireItemRecord], answers: Mapping[str, AnswerValue]
) -> list[dict[str, Any]]:
    """Answered items nested like the Questionnaire; groups only when something in them is answered."""
    out: list[dict[str, Any]] = []
    for item in items:
        if item.type is QuestionnaireItemType.GROUP:
            children = response_items(item.items, answers)
            if children:
                out.append({"linkId": item.link_id, "text": item.text, "item": children})
        elif item.type is not QuestionnaireItemType.DISPLAY and item.link_id in answers:
            out.append({"linkId": item.link_id, "text": item.text, "answer": [_value(item, answers[item.link_id])]})
    return out


def _response(s: Submission) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": _keyed(s.request_key),
        "questionnaire": f"Questionnaire/{s.questionnaire_id}",
        "status": "completed",
        "subject": {"reference": f"Patient/{s.patient_id}"},
        "authored": fhir_instant(s.authored_at),
        "item": response_items(s.items, s.answers),
    }


async def submit_answers(client: PortalClient, s: Submission) -> QuestionnaireAssignmentRecord:
    """Answer the assignment: the portal stores the response and completes the assignment in one
    step; the same key again answers the completed assignment and writes nothing."""
    if not valid_id(s.task_id):
        raise WriteRefused("NOT_FOUND", "assignment", "not an assignment of this patient")
    try:
        path = f"assignments/{s.task_id}/answers"
        task = await client.write(_ASSIGNMENT, path, _response(s), s.request_key, "assignment")
    except PortalRefused as exc:
        if exc.code == "not-found":
            raise WriteRefused("NOT_FOUND", "assignment", "not an assignment of this patient") from exc
        if exc.code == "already-completed":
            raise WriteRefused("ALREADY_COMPLETED", "assignment", "the assignment is already completed") from exc
        raise
    record = mapping.assignment(task, context([task]))
    if not isinstance(record, QuestionnaireAssignmentRecord):
        raise SourceUnavailable(GENESIS, "unreadable answer (portal assignment)")
    return record
