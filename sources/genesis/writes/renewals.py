"""Renewal requests written to GENESIS: a conditional-create `Task` per the conventions."""

from __future__ import annotations

from typing import Any

from ...errors import SourceUnavailable
from ...fhir.values import fhir_instant
from ...records import RecordKind, RenewalRequestRecord
from ...writes import RenewalAsk
from .. import mapping
from .base import REQUEST_SYSTEM, GenesisWriter, map_context

__all__ = ["renewal_task", "renewal_written_by", "request_renewal"]

_KIND = RecordKind.RENEWAL_REQUEST.value


def renewal_task(task: RenewalAsk) -> dict[str, Any]:
    """The Task resource of a renewal request (docs/fhir-conventions.md, Prescriptions)."""
    patient = {"reference": f"Patient/{task.patient_id}"}
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "identifier": [{"system": REQUEST_SYSTEM, "value": task.request_key}],
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


async def renewal_written_by(writer: GenesisWriter, request_key: str) -> str | None:
    """The id of the Task an earlier attempt with `request_key` created (its answer lost), or None."""
    found = await writer.client.search(_KIND, "Task", [("identifier", f"{REQUEST_SYSTEM}|{request_key}")])
    return next((str(t.get("id")) for t in found.matches("Task")), None)


async def request_renewal(writer: GenesisWriter, task: RenewalAsk) -> RenewalRequestRecord:
    """Create the Task unless one with this request key exists; the request as GENESIS holds it."""
    search = [("identifier", f"{REQUEST_SYSTEM}|{task.request_key}")]
    stored = await writer.client.create_conditional(_KIND, renewal_task(task), search)
    if "status" not in stored:  # answered without a body: read what was stored
        stored = await writer.client.read(_KIND, "Task", str(stored.get("id")))
    record = mapping.renewal(stored, map_context(writer, stored))
    if not isinstance(record, RenewalRequestRecord):
        raise SourceUnavailable(writer.source, "unreadable answer (renewal Task)")
    return record
