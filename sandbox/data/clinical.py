"""One patient's clinical records as FHIR resources, in the shape of docs/fhir-conventions.md."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.millennium.systems import service_type

from .clock import fhir_date, fhir_instant
from .codes import ICD10, LOINC, RXNORM, SNOMED, ConditionCode, LabTest, Medication, NoteType
from .documents import hostile_xhtml, pdf_document
from .fhir import ACCESSION_SYSTEM, Chart, coding, concept, ref, service_category
from .places import Staff

__all__ = [
    "Message",
    "add_appointment",
    "add_condition",
    "add_lab",
    "add_note",
    "add_prescription",
    "add_thread",
    "flag_for",
]

Resource = dict[str, Any]
_OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
_FLAG_DISPLAY = {
    "N": "Normal",
    "L": "Low",
    "H": "High",
    "LL": "Critical low",
    "HH": "Critical high",
    "A": "Abnormal",
}
_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_APPOINTMENT_STATUS = {
    "booked",
    "fulfilled",
    "cancelled",
    "noshow",
    "arrived",
    "entered-in-error",
    "proposed",
}


def flag_for(test: LabTest, value: float | str) -> str:
    """The v3 interpretation code a value earns against the test's reference range."""
    if isinstance(value, str):
        return "N" if value == test.normal_text else "A"
    if test.low is not None and value < test.low:
        return "LL" if value < test.low * 0.5 else "L"
    if test.high is not None and value > test.high:
        return "HH" if value > test.high * 2.5 else "H"
    return "N"


def add_lab(
    chart: Chart,
    test: LabTest,
    when: dt.datetime,
    value: float | str,
    accession: str,
    *,
    status: str = "final",
    rid: str | None = None,
) -> Resource:
    """A laboratory Observation with its accession identifier, range and interpretation."""
    flag = flag_for(test, value)
    obs: Resource = {
        "resourceType": "Observation",
        "id": rid or chart.store.new_id("obs"),
        "identifier": [
            {
                "type": concept(coding("http://terminology.hl7.org/CodeSystem/v2-0203", "ACSN", "Accession ID")),
                "system": ACCESSION_SYSTEM,
                "value": accession,
            }
        ],
        "status": status,
        "category": [concept(coding(_OBS_CATEGORY, "laboratory", "Laboratory"))],
        "code": concept(coding(LOINC, test.loinc, test.name), text=test.name),
        "subject": chart.patient,
        "effectiveDateTime": fhir_instant(when),
        "issued": fhir_instant(when + dt.timedelta(hours=3)),
        "performer": [chart.custodian],
        "interpretation": [concept(coding(_INTERPRETATION, flag, _FLAG_DISPLAY[flag]))],
    }
    if isinstance(value, str):
        obs["valueString"] = value
        obs["referenceRange"] = [{"text": test.normal_text}]
    else:
        obs["valueQuantity"] = _quantity(value, test.unit)
        rng: Resource = {}
        if test.low is not None:
            rng["low"] = _quantity(test.low, test.unit)
        if test.high is not None:
            rng["high"] = _quantity(test.high, test.unit)
        obs["referenceRange"] = [rng]
    return chart.store.add(obs)


def _quantity(value: float, unit: str | None) -> Resource:
    out: Resource = {"value": value}
    if unit is not None:
        out.update({"unit": unit, "system": "http://unitsofmeasure.org", "code": unit})
    return out


def add_prescription(
    chart: Chart,
    med: Medication,
    authored: dt.datetime,
    prescriber: Staff,
    *,
    refills_allowed: int,
    fills: int,
    expires: dt.date,
    rx_number: str,
    status: str = "active",
    rid: str | None = None,
) -> Resource:
    """A MedicationRequest and `fills` MedicationDispenses (the first is the original fill)."""
    store = chart.store
    rx_id = rid or store.new_id("medrx")
    med_concept = concept(coding(RXNORM, med.rxnorm, med.name), text=med.name)
    request: Resource = {
        "resourceType": "MedicationRequest",
        "id": rx_id,
        "identifier": [{"system": "urn:mhs:rx-number", "value": rx_number}],
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": med_concept,
        "subject": chart.patient,
        "authoredOn": fhir_instant(authored),
        "requester": ref("Practitioner", prescriber.id, prescriber.display),
        "dosageInstruction": [{"text": med.sig}],
        "dispenseRequest": {
            "numberOfRepeatsAllowed": refills_allowed,
            "validityPeriod": {"start": fhir_date(authored), "end": expires.isoformat()},
            "expectedSupplyDuration": {
                "value": med.days_supply,
                "unit": "days",
                "system": "http://unitsofmeasure.org",
                "code": "d",
            },
        },
    }
    store.add(request)
    for n in range(fills):
        handed = authored + dt.timedelta(days=1 + n * med.days_supply, hours=2)
        store.add(
            {
                "resourceType": "MedicationDispense",
                "id": store.new_id("meddisp"),
                "status": "completed",
                "medicationCodeableConcept": med_concept,
                "subject": chart.patient,
                "authorizingPrescription": [ref("MedicationRequest", rx_id)],
                "quantity": {"value": med.days_supply},
                "daysSupply": {
                    "value": med.days_supply,
                    "unit": "days",
                    "system": "http://unitsofmeasure.org",
                    "code": "d",
                },
                "whenHandedOver": fhir_instant(handed),
            }
        )
    return request


def add_condition(
    chart: Chart,
    code: ConditionCode,
    onset: dt.date,
    *,
    clinical_status: str = "active",
    verification: str = "confirmed",
    rid: str | None = None,
) -> Resource:
    """A problem-list Condition coded in ICD-10-CM and SNOMED CT."""
    cid = rid or chart.store.new_id("cond")
    return chart.store.add(
        {
            "resourceType": "Condition",
            "id": cid,
            "identifier": [{"system": "urn:mhs:problem", "value": f"{chart.business_prefix}-{cid.upper()}"}],
            "clinicalStatus": concept(coding(_CLINICAL, clinical_status)),
            "verificationStatus": concept(coding(_VERIFICATION, verification)),
            "category": [
                concept(
                    coding(
                        "http://terminology.hl7.org/CodeSystem/condition-category",
                        "problem-list-item",
                        "Problem List Item",
                    )
                )
            ],
            "code": concept(
                coding(ICD10, code.icd10, code.display),
                coding(SNOMED, code.snomed),
                text=code.display,
            ),
            "subject": chart.patient,
            "onsetDateTime": onset.isoformat(),
            "recordedDate": onset.isoformat(),
        }
    )


def add_note(
    chart: Chart,
    note_type: NoteType,
    title: str,
    when: dt.datetime,
    author: Staff,
    text: str,
    *,
    inline: bool,
    status: str = "current",
    rid: str | None = None,
    form: str = "text",
) -> Resource:
    """A DocumentReference; its content inline (`attachment.data`) or in a Binary it points at.

    `form`: "text" (text/plain), "xhtml" (XHTML with hostile markup) or "pdf" (a PDF document,
    always in a Binary, with its `size`)."""
    store = chart.store
    did = rid or store.new_id("doc")
    content_type, body = _note_body(form, title, text)
    attachment: Resource = {"contentType": content_type, "title": title}
    if inline and form != "pdf":
        attachment["data"] = base64.b64encode(body).decode("ascii")
    else:
        bin_id = f"bin-{did}"
        data = base64.b64encode(body).decode("ascii")
        store.add({"resourceType": "Binary", "id": bin_id, "contentType": content_type, "data": data})
        attachment["url"] = f"Binary/{bin_id}"
        if form == "pdf":
            attachment["size"] = len(body)
    return store.add(
        {
            "resourceType": "DocumentReference",
            "id": did,
            "masterIdentifier": {"system": "urn:mhs:document", "value": f"{chart.business_prefix}-{did.upper()}"},
            "status": status,
            "docStatus": "final",
            "type": concept(coding(LOINC, note_type.loinc, note_type.display)),
            "category": [
                concept(
                    coding(
                        "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                        "clinical-note",
                        "Clinical Note",
                    )
                )
            ],
            "subject": chart.patient,
            "date": fhir_instant(when),
            "author": [ref("Practitioner", author.id, author.display)],
            "custodian": chart.custodian,
            "description": title,
            "content": [{"attachment": attachment}],
        }
    )


def _note_body(form: str, title: str, text: str) -> tuple[str, bytes]:
    if form == "pdf":
        return "application/pdf", pdf_document(title, text)
    if form == "xhtml":
        return "application/xhtml+xml", hostile_xhtml(title, text).encode("utf-8")
    if form != "text":
        raise ValueError(f"unknown note form {form!r}")
    return "text/plain", text.encode("utf-8")


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a thread: sent by the patient (`staff` None) or by a practitioner."""

    sent: dt.datetime
    text: str
    staff: Staff | None = None


def add_thread(chart: Chart, subject: str, messages: Sequence[Message]) -> list[Resource]:
    """A secure-message thread: a root Communication and replies (partOf + inResponseTo)."""
    store = chart.store
    out: list[Resource] = []
    for message in messages:
        if message.staff is None:
            sender = chart.patient
            to = [ref("CareTeam", chart.care_team_id)] if chart.care_team_id else []
            if out and out[-1]["sender"] != chart.patient:
                to = [out[-1]["sender"]]
        else:
            sender = ref("Practitioner", message.staff.id, message.staff.display)
            to = [chart.patient]
        comm: Resource = {
            "resourceType": "Communication",
            "id": store.new_id("comm"),
            "status": "completed",
            "subject": chart.patient,
            "sent": fhir_instant(message.sent),
            "sender": sender,
            "recipient": to,
            "payload": [{"contentString": message.text}],
        }
        if out:
            comm["partOf"] = [ref("Communication", out[0]["id"])]
            comm["inResponseTo"] = [ref("Communication", out[-1]["id"])]
        else:
            comm["topic"] = {"text": subject}
        out.append(store.add(comm))
    return out


def add_appointment(
    chart: Chart,
    service: str,
    start: dt.datetime,
    minutes: int,
    status: str,
    staff: Staff,
    location: Resource,
    description: str,
    *,
    slot_id: str | None = None,
    rid: str | None = None,
) -> Resource:
    """An Appointment with the patient, a practitioner and a location as participants."""
    if status not in _APPOINTMENT_STATUS:
        raise ValueError(f"unknown appointment status {status!r}")
    store = chart.store
    aid = rid or store.new_id("appt")
    appointment: Resource = {
        "resourceType": "Appointment",
        "id": aid,
        "identifier": [{"system": "urn:mhs:appointment-number", "value": f"{chart.business_prefix}-{aid.upper()}"}],
        "status": status,
        "serviceCategory": service_category(service),
        "serviceType": service_type(service),
        "description": description,
        "start": fhir_instant(start),
        "end": fhir_instant(start + dt.timedelta(minutes=minutes)),
        "minutesDuration": minutes,
        "created": fhir_instant(start - dt.timedelta(days=14)),
        "participant": [
            {"actor": chart.patient, "required": "required", "status": "accepted"},
            {
                "actor": ref("Practitioner", staff.id, staff.display),
                "required": "required",
                "status": "accepted",
            },
            {"actor": location, "required": "required", "status": "accepted"},
        ],
    }
    if slot_id is not None:
        appointment["slot"] = [ref("Slot", slot_id)]
    if status == "cancelled":
        appointment["cancelationReason"] = {"text": "Patient request"}
    return store.add(appointment)
