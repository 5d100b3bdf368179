"""FHIR resources to records for the kinds every FHIR source shares (docs/fhir-conventions.md)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..records import (
    AppointmentRecord,
    AppointmentStatus,
    Coding,
    ConditionRecord,
    FacilityRecord,
    HumanName,
    Interpretation,
    LabResultRecord,
    LinkedRef,
    NoteRecord,
    PractitionerRecord,
    PrescriptionRecord,
    Provenance,
    Quantity,
    RecordSource,
    ReferenceRange,
)
from .bundle import Bundle, Resource
from .values import codings, day, first_name, instant, ref_id, service_in

__all__ = [
    "APPOINTMENT_STATUS",
    "ENTERED_IN_ERROR",
    "MapContext",
    "accession",
    "appointment",
    "binary_id",
    "binary_text",
    "condition",
    "first_identifier",
    "lab_result",
    "master_identifier",
    "note",
    "practitioner",
    "prescription",
]

ENTERED_IN_ERROR = "entered-in-error"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
ACCESSION_SYSTEM = "urn:mhs:lab-accession"

APPOINTMENT_STATUS: dict[str, AppointmentStatus] = {
    "proposed": AppointmentStatus.PROPOSED,
    "pending": AppointmentStatus.PROPOSED,
    "booked": AppointmentStatus.BOOKED,
    "arrived": AppointmentStatus.ARRIVED,
    "checked-in": AppointmentStatus.ARRIVED,
    "fulfilled": AppointmentStatus.FULFILLED,
    "cancelled": AppointmentStatus.CANCELLED,
    "noshow": AppointmentStatus.NOSHOW,
}
_INTERPRETATION = {
    "N": Interpretation.NORMAL,
    "L": Interpretation.LOW,
    "H": Interpretation.HIGH,
    "LL": Interpretation.CRITICAL_LOW,
    "HH": Interpretation.CRITICAL_HIGH,
    "A": Interpretation.ABNORMAL,
}


@dataclass(frozen=True)
class MapContext:
    """What mapping one search answer needs: who asked, the bundle's includes, fetched Binaries."""

    source: RecordSource
    retrieved_at: dt.datetime
    bundle: Bundle
    refs: Mapping[str, LinkedRef] = field(default_factory=dict)
    binaries: Mapping[str, str] = field(default_factory=dict)
    on_genesis: bool = False  # whether this source's facilities run MHS GENESIS

    def provenance(
        self, resource: Mapping[str, Any], patient_id: str | None, organization: str | None = None
    ) -> Provenance:
        """Provenance of `resource`; the owning LinkedRef gives organization and match score."""
        ref = self.refs.get(patient_id or "")
        return Provenance(
            source=self.source,
            source_id=str(resource.get("id")),
            retrieved_at=self.retrieved_at,
            organization=(ref.organization if ref else None) or organization,
            match_confidence=ref.match_confidence if ref else None,
        )

    def practitioner(self, reference: Any) -> PractitionerRecord | None:
        """A Practitioner reference as a record, from the included resource when present."""
        pid = ref_id(reference, "Practitioner")
        if pid is None:
            return None
        included = self.bundle.included("Practitioner").get(pid)
        return practitioner(included) if included else _named(pid, reference.get("display"))


def practitioner(resource: Mapping[str, Any]) -> PractitionerRecord:
    return PractitionerRecord(id=str(resource.get("id")), name=first_name(resource.get("name")))


def _named(rid: str, display: Any) -> PractitionerRecord:
    words = str(display or "").split()
    return PractitionerRecord(id=rid, name=HumanName(tuple(words[:-1]), words[-1] if words else ""))


def _text(concept: Any) -> str | None:
    if isinstance(concept, Mapping):
        if concept.get("text"):
            return str(concept["text"])
        for c in codings(concept):
            if c.display:
                return c.display
    return None


def _preferred(concept: Any, system: str) -> Coding | None:
    found = codings(concept)
    return next((c for c in found if c.system == system), found[0] if found else None)


def first_identifier(resource: Mapping[str, Any]) -> str | None:
    """The first identifier's value: the business id of appointments, prescriptions, conditions."""
    return _identifier(resource)


def master_identifier(resource: Mapping[str, Any]) -> str | None:
    """A DocumentReference's masterIdentifier value: a note's business id."""
    master = resource.get("masterIdentifier")
    return str(master["value"]) if isinstance(master, Mapping) and master.get("value") else None


def accession(resource: Mapping[str, Any]) -> str | None:
    """An Observation's accession number: a lab result's business id."""
    return _accession(resource)


def _identifier(resource: Mapping[str, Any]) -> str | None:
    for ident in resource.get("identifier") or ():
        if isinstance(ident, Mapping) and ident.get("value"):
            return str(ident["value"])
    return None


def _patient(reference: Any) -> str | None:
    return ref_id(reference, "Patient")


def _reason(r: Mapping[str, Any]) -> str | None:
    """The first `reasonCode`'s text (where Millennium keeps what the patient said)."""
    for concept in r.get("reasonCode") or ():
        text = _text(concept)
        if text:
            return text
    return None


def appointment(r: Resource, ctx: MapContext) -> AppointmentRecord | None:
    status = APPOINTMENT_STATUS.get(str(r.get("status")))
    start = instant(r.get("start"))
    if status is None or start is None:
        return None  # entered-in-error (or unusable) is never returned
    patient_id = practitioner_rec = facility = None
    for participant in r.get("participant") or ():
        actor = participant.get("actor") if isinstance(participant, Mapping) else None
        patient_id = patient_id or _patient(actor)
        practitioner_rec = practitioner_rec or ctx.practitioner(actor)
        location_id = ref_id(actor, "Location")
        if facility is None and location_id is not None:
            location = ctx.bundle.included("Location").get(location_id) or {}
            name = location.get("name") or (actor or {}).get("display") or location_id
            facility = FacilityRecord(location_id, str(name), ctx.on_genesis)
    if patient_id is None:
        return None
    slots = [s for s in r.get("slot") or () if ref_id(s, "Slot")]
    return AppointmentRecord(
        provenance=ctx.provenance(r, patient_id, facility.name if facility else None),
        patient_id=patient_id,
        start=start,
        end=instant(r.get("end")),
        status=status,
        service=service_in(r),
        description=r.get("description") or _reason(r) or None,
        facility=facility,
        practitioner=practitioner_rec,
        slot_id=ref_id(slots[0], "Slot") if slots else None,
        business_id=_identifier(r),
    )


def _attachment(r: Mapping[str, Any]) -> Mapping[str, Any]:
    for content in r.get("content") or ():
        attachment = content.get("attachment") if isinstance(content, Mapping) else None
        if isinstance(attachment, Mapping):
            return attachment
    return {}


def binary_id(r: Mapping[str, Any]) -> str | None:
    """The Binary a DocumentReference's text lives in, when it is not inline."""
    attachment = _attachment(r)
    if attachment.get("data"):
        return None
    url = attachment.get("url")
    return ref_id({"reference": url}, "Binary") if isinstance(url, str) else None


def _decode(data: Any) -> str | None:
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data, validate=False).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return None


def binary_text(binary: Mapping[str, Any]) -> str | None:
    """The text a Binary resource carries."""
    return _decode(binary.get("data"))


def note(r: Resource, ctx: MapContext) -> NoteRecord | None:
    authored = instant(r.get("date"))
    patient_id = _patient(r.get("subject"))
    if r.get("status") == ENTERED_IN_ERROR or authored is None or patient_id is None:
        return None
    attachment = _attachment(r)
    bid = binary_id(r)
    text = ctx.binaries.get(bid, "") if bid else _decode(attachment.get("data")) or ""
    type_codings = codings(r.get("type"))
    authors = r.get("author") or [None]
    return NoteRecord(
        provenance=ctx.provenance(r, patient_id),
        patient_id=patient_id,
        title=str(r.get("description") or attachment.get("title") or _text(r.get("type")) or ""),
        authored_at=authored,
        text=text,
        type=type_codings[0] if type_codings else None,
        author=ctx.practitioner(authors[0]),
        business_id=master_identifier(r),
    )


def _accession(r: Mapping[str, Any]) -> str | None:
    for ident in r.get("identifier") or ():
        if not isinstance(ident, Mapping) or not ident.get("value"):
            continue
        types = codings(ident.get("type"))
        if ident.get("system") == ACCESSION_SYSTEM or any(c.system == V2_0203 and c.code == "ACSN" for c in types):
            return str(ident["value"])
    return None


def _quantity(q: Any) -> Quantity | None:
    if not isinstance(q, Mapping) or not isinstance(q.get("value"), int | float):
        return None
    return Quantity(float(q["value"]), q.get("unit") or q.get("code"))


def _reference_range(ranges: Any) -> ReferenceRange | None:
    for rr in ranges or ():
        if isinstance(rr, Mapping):
            return ReferenceRange(_quantity(rr.get("low")), _quantity(rr.get("high")), rr.get("text"))
    return None


def _interpretation(concepts: Any) -> Interpretation | None:
    for concept in concepts or ():
        for c in codings(concept):
            if c.code in _INTERPRETATION:
                return _INTERPRETATION[c.code]
    return None


def lab_result(r: Resource, ctx: MapContext) -> LabResultRecord | None:
    effective = instant(r.get("effectiveDateTime") or r.get("effectiveInstant")) or instant(
        (r.get("effectivePeriod") or {}).get("start")
    )
    patient_id = _patient(r.get("subject"))
    code = _preferred(r.get("code"), LOINC)
    if r.get("status") == ENTERED_IN_ERROR or effective is None or patient_id is None:
        return None
    if code is None:
        return None
    value = r.get("valueString")
    return LabResultRecord(
        provenance=ctx.provenance(r, patient_id),
        patient_id=patient_id,
        code=code,
        display=_text(r.get("code")) or code.code,
        effective_at=effective,
        status=str(r.get("status")),
        value_quantity=_quantity(r.get("valueQuantity")),
        value_string=str(value) if value is not None else None,
        reference_range=_reference_range(r.get("referenceRange")),
        interpretation=_interpretation(r.get("interpretation")),
        business_id=_accession(r),
    )


def prescription(r: Resource, ctx: MapContext) -> PrescriptionRecord | None:
    patient_id = _patient(r.get("subject"))
    medication = _preferred(r.get("medicationCodeableConcept"), RXNORM)
    if r.get("status") == ENTERED_IN_ERROR or patient_id is None or medication is None:
        return None
    dispense = r.get("dispenseRequest") or {}
    allowed = dispense.get("numberOfRepeatsAllowed")
    allowed = allowed if isinstance(allowed, int) else None
    rid = str(r.get("id"))
    fills = sum(
        1
        for d in ctx.bundle.resources("MedicationDispense")
        if d.get("status") != ENTERED_IN_ERROR
        and any(ref_id(a, "MedicationRequest") == rid for a in d.get("authorizingPrescription") or ())
    )
    dosage = [d.get("text") for d in r.get("dosageInstruction") or () if isinstance(d, Mapping)]
    return PrescriptionRecord(
        provenance=ctx.provenance(r, patient_id),
        patient_id=patient_id,
        medication=medication,
        display=_text(r.get("medicationCodeableConcept")) or medication.code,
        status=str(r.get("status")),
        authored_on=day(r.get("authoredOn")),
        dosage_instructions=dosage[0] if dosage and dosage[0] else None,
        prescriber=ctx.practitioner(r.get("requester")),
        refills_allowed=allowed,
        refills_remaining=max(0, allowed - max(0, fills - 1)) if allowed is not None else None,
        expires_on=day((dispense.get("validityPeriod") or {}).get("end")),
        business_id=_identifier(r),
    )


def condition(r: Resource, ctx: MapContext) -> ConditionRecord | None:
    patient_id = _patient(r.get("subject"))
    verification = {c.code for c in codings(r.get("verificationStatus"))}
    code = _preferred(r.get("code"), ICD10CM)
    if ENTERED_IN_ERROR in verification or patient_id is None or code is None:
        return None
    clinical = codings(r.get("clinicalStatus"))
    onset = r.get("onsetDateTime") or (r.get("onsetPeriod") or {}).get("start")
    return ConditionRecord(
        provenance=ctx.provenance(r, patient_id),
        patient_id=patient_id,
        code=code,
        display=_text(r.get("code")) or code.code,
        clinical_status=clinical[0].code if clinical else "unknown",
        onset_date=day(onset),
        codes=codings(r.get("code")),
        business_id=_identifier(r),
    )
