"""The "Dental Health History" questionnaire and its assignment Tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .clock import fhir_instant
from .fhir import Chart, ref

__all__ = ["DENTAL_HISTORY_ID", "add_assignment", "dental_history"]

DENTAL_HISTORY_ID = "q-dental-history"
_TASK_CODE = {"coding": [{"system": "urn:mhs:task-code", "code": "questionnaire"}]}


def _item(link_id: str, text: str, kind: str, *, required: bool = False, **extra: Any) -> Any:
    item: dict[str, Any] = {"linkId": link_id, "text": text, "type": kind}
    if kind not in ("display", "group"):
        item["required"] = required
    item.update(extra)
    return item


def dental_history() -> dict[str, Any]:
    """The questionnaire: items of every type, choices with options, a nested required group."""
    options = [{"valueString": v} for v in ("Daily", "A few times a week", "Rarely", "Never")]
    return {
        "resourceType": "Questionnaire",
        "id": DENTAL_HISTORY_ID,
        "url": "urn:mhs:questionnaire:dental-health-history",
        "version": "2",
        "name": "DentalHealthHistory",
        "title": "Dental Health History",
        "status": "active",
        "subjectType": ["Patient"],
        "item": [
            _item(
                "intro",
                "Please answer before your dental visit. It takes about 5 minutes.",
                "display",
            ),
            _item("tooth-pain", "Do you have tooth pain or sensitivity now?", "boolean", required=True),
            _item("previous-dentist", "Name of your previous dentist or clinic", "string"),
            _item("concerns", "Describe any concerns you want to discuss", "text"),
            _item("brushing-per-day", "How many times a day do you brush?", "integer", required=True),
            _item("sugary-drinks", "Sugary drinks per day (average, e.g. 1.5)", "decimal"),
            _item("last-cleaning", "Date of your last dental cleaning", "date"),
            _item("floss", "How often do you floss?", "choice", required=True, answerOption=options),
            _item(
                "medical",
                "Medical history",
                "group",
                required=True,
                item=[
                    _item("blood-thinners", "Do you take blood thinners?", "boolean", required=True),
                    _item(
                        "heart-condition",
                        "Has a doctor told you to take antibiotics before dental work?",
                        "boolean",
                        required=True,
                    ),
                    _item("allergies", "Allergies to medicines or latex", "string"),
                ],
            ),
        ],
    }


def add_assignment(
    chart: Chart,
    appointment: dict[str, Any],
    assigned: dt.datetime,
    due: dt.datetime,
    *,
    rid: str | None = None,
    completed: dt.datetime | None = None,
) -> dict[str, Any]:
    """A questionnaire Task tied to an appointment: requested, or completed with a response."""
    store = chart.store
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": rid or store.new_id("task"),
        "status": "requested",
        "intent": "order",
        "code": _TASK_CODE,
        "description": "Dental Health History",
        "focus": ref("Questionnaire", DENTAL_HISTORY_ID, "Dental Health History"),
        "for": chart.patient,
        "basedOn": [ref("Appointment", appointment["id"])],
        "authoredOn": fhir_instant(assigned),
        "lastModified": fhir_instant(assigned),
        "restriction": {"period": {"end": fhir_instant(due)}},
    }
    if completed is not None:
        response_id = store.new_id("qr")
        store.add(
            {
                "resourceType": "QuestionnaireResponse",
                "id": response_id,
                "questionnaire": f"Questionnaire/{DENTAL_HISTORY_ID}",
                "status": "completed",
                "subject": chart.patient,
                "authored": fhir_instant(completed),
                "item": [
                    {"linkId": "tooth-pain", "answer": [{"valueBoolean": False}]},
                    {"linkId": "brushing-per-day", "answer": [{"valueInteger": 2}]},
                    {"linkId": "floss", "answer": [{"valueString": "A few times a week"}]},
                    {
                        "linkId": "medical",
                        "item": [
                            {"linkId": "blood-thinners", "answer": [{"valueBoolean": False}]},
                            {"linkId": "heart-condition", "answer": [{"valueBoolean": False}]},
                        ],
                    },
                ],
            }
        )
        task["status"] = "completed"
        task["lastModified"] = fhir_instant(completed)
        task["output"] = [
            {
                "type": {"text": "QuestionnaireResponse"},
                "valueReference": ref("QuestionnaireResponse", response_id),
            }
        ]
    return store.add(task)
