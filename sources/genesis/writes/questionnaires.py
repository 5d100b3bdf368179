"""Questionnaire responses written to GENESIS: a completed `QuestionnaireResponse`, then the
assignment `Task` marked completed (with `If-Match`), each step safe to repeat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import SourceUnavailable, UpstreamRejected
from ...fhir.bundle import Resource
from ...fhir.values import fhir_instant, ref_id
from ...records import (
    QuestionnaireAssignmentRecord,
    QuestionnaireItemRecord,
    QuestionnaireItemType,
    RecordKind,
)
from ...writes import ANSWER_FIELD, AnswerValue, Submission, WriteRefused
from .. import mapping
from .base import REQUEST_SYSTEM, GenesisWriter, map_context, version_of

__all__ = ["response_items", "submit_response"]

_KIND = RecordKind.QUESTIONNAIRE_ASSIGNMENT.value

def _value(item: QuestionnaireItemRecord, value: AnswerValue) -> dict[str, Any]:
    field = ANSWER_FIELD[item.type]
    if isinstance(value, dt.date):
        return {field: value.isoformat()}
    return {field: value}


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
        "identifier": {"system": REQUEST_SYSTEM, "value": s.request_key},
        "questionnaire": f"Questionnaire/{s.questionnaire_id}",
        "status": "completed",
        "subject": {"reference": f"Patient/{s.patient_id}"},
        "basedOn": [{"reference": f"Task/{s.task_id}"}],
        "authored": fhir_instant(s.authored_at),
        "item": response_items(s.items, s.answers),
    }


def _output_of(task: Mapping[str, Any]) -> str | None:
    for output in task.get("output") or ():
        found = ref_id((output or {}).get("valueReference"), "QuestionnaireResponse")
        if found:
            return found
    return None


def _closed(detail: str) -> WriteRefused:
    return WriteRefused("ALREADY_COMPLETED", "assignment", detail)


def _record(writer: GenesisWriter, task: Resource) -> QuestionnaireAssignmentRecord:
    record = mapping.assignment(task, map_context(writer, task))
    if not isinstance(record, QuestionnaireAssignmentRecord):
        raise SourceUnavailable(writer.source, "unreadable answer (assignment Task)")
    return record


async def _open_task(writer: GenesisWriter, s: Submission) -> Resource:
    task = await writer.client.read(_KIND, "Task", s.task_id)
    if ref_id(task.get("for"), "Patient") != s.patient_id:
        raise WriteRefused("NOT_FOUND", "assignment", "not an assignment of this patient")
    return task


async def submit_response(writer: GenesisWriter, s: Submission) -> QuestionnaireAssignmentRecord:
    """Write the response (unless this request key already did) and complete the Task.

    A retry after a failure between the two steps finds the response and only completes the
    Task; a retry after both finds the Task completed with this response and writes nothing.
    """
    client = writer.client
    task = await _open_task(writer, s)
    search = [("identifier", f"{REQUEST_SYSTEM}|{s.request_key}")]
    if task.get("status") == "completed":
        found = await client.search(_KIND, "QuestionnaireResponse", search)
        mine = {str(r.get("id")) for r in found.matches("QuestionnaireResponse")}
        if _output_of(task) in mine:
            return _record(writer, task)
        raise _closed("completed by another response")
    if task.get("status") != "requested":
        raise _closed(f"the Task is {task.get('status')}")
    response = await client.create_conditional(_KIND, _response(s), search)
    version = version_of(task)
    completed = {
        **task,
        "status": "completed",
        "lastModified": fhir_instant(s.authored_at),
        "output": [
            {
                "type": {"text": "QuestionnaireResponse"},
                "valueReference": {"reference": f"QuestionnaireResponse/{response.get('id')}"},
            }
        ],
    }
    try:
        stored = await client.update(_KIND, completed, if_match=version)
    except UpstreamRejected as exc:
        if exc.status != 412:
            raise
        raise _closed("the Task changed meanwhile") from exc
    if "status" not in stored:
        stored = await client.read(_KIND, "Task", s.task_id)
    return _record(writer, stored)
