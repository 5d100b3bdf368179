"""FHIR resources to records for the kinds every FHIR source shares (docs/fhir-conventions.md)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..duplicates import lab_identity
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
    NoteContent,
    NoteRecord,
    PractitionerRecord,
    PrescriptionRecord,
    Provenance,
    Quantity,
    RecordSource,
    ReferenceRange,
)
from .bundle import Bundle, Resource
from .sanitize import TEXT_TYPES, plain_text
from .values import codings, day, first_name, instant, ref_id, service_in

__all__ = [
    "APPOINTMENT_STATUS",
    "ENTERED_IN_ERROR",
    "MapContext",
    "accession",
    "appointment",
    "attachments",
    "binary_text",
    "condition",
    "first_identifier",
    "identity",
    "lab_result",
    "master_identifier",
    "media_of",
    "note",
    "note_content",
    "on_server",
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
PDF = "application/pdf"

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
    """What mapping one search answer needs: who asked, the bundle's includes, the server's base."""

    source: RecordSource
    retrieved_at: dt.datetime
    bundle: Bundle
    refs: Mapping[str, LinkedRef] = field(default_factory=dict)
    on_genesis: bool = False  # whether this source's facilities run MHS GENESIS
    base_url: str | None = None  # the server's base: content URLs are followed only onto it

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
    """An Observation's accession number, when it carries one (Millennium's do not)."""
    return _accession(resource)


def identity(r: Mapping[str, Any]) -> str | None:
    """A lab Observation's identity key (sources/duplicates.py): LOINC code, effective minute,
    value and unit, and the accession where it carries one."""
    effective = instant(r.get("effectiveDateTime") or r.get("effectiveInstant")) or instant(
        (r.get("effectivePeriod") or {}).get("start")
    )
    loinc = next((c.code for c in codings(r.get("code")) if c.system == LOINC), None)
    quantity = _quantity(r.get("valueQuantity"))
    text = r.get("valueString")
    return lab_identity(
        loinc, effective, quantity.value if quantity else None, quantity.unit if quantity else None,
        str(text) if text is not None else None, _accession(r),
    )  # fmt: skip


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


def attachments(r: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    out = []
    for content in r.get("content") or ():
        attachment = content.get("attachment") if isinstance(content, Mapping) else None
        if isinstance(attachment, Mapping):
            out.append(attachment)
    return out


def media_of(attachment: Mapping[str, Any]) -> str:
    """The attachment's media type without parameters (`text/plain` when it says none)."""
    return str(attachment.get("contentType") or "text/plain").split(";", 1)[0].strip().lower()


def on_server(url: Any, base_url: str | None) -> str | None:
    """`url` made absolute against `base_url` if it addresses that same FHIR server; else None
    (another host, scheme or path is never fetched)."""
    if not isinstance(url, str) or not url or base_url is None:
        return None
    base = base_url.rstrip("/") + "/"
    absolute = urljoin(base, url)
    wanted, got = urlsplit(base), urlsplit(absolute)
    same = (got.scheme, got.netloc.lower()) == (wanted.scheme, wanted.netloc.lower())
    if not same or not got.path.startswith(wanted.path) or ".." in got.path.split("/") or got.fragment:
        return None
    return absolute


def _size(attachment: Mapping[str, Any]) -> int | None:
    size = attachment.get("size")
    return size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None


def _bytes(data: Any) -> bytes | None:
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        return None


def note_content(r: Mapping[str, Any], base_url: str | None) -> tuple[str, NoteContent | None]:
    """A DocumentReference's inline text (if any) and where the rest of its content lives: its
    PDF document when it has one, else the Binary its text is in (to be read), else None."""
    text, document, binary = "", None, None
    own_url = on_server(f"DocumentReference/{r.get('id')}", base_url)
    for attachment in attachments(r):
        media, data = media_of(attachment), _bytes(attachment.get("data"))
        url = on_server(attachment.get("url"), base_url)
        if media == PDF and document is None:
            if data is not None and own_url is not None:  # inline: the note itself holds the bytes
                document = NoteContent(own_url, PDF, len(data), inline=True)
            elif url is not None:
                document = NoteContent(url, PDF, _size(attachment))
        elif media in TEXT_TYPES and not text:
            if data is not None:
                text = plain_text(media, data)
            elif url is not None and binary is None:
                binary = NoteContent(url, media, _size(attachment))
    return text, document or (None if text else binary)


def binary_text(binary: Mapping[str, Any]) -> str | None:
    """The text a Binary resource (JSON form) carries, as plain text (XHTML sanitized)."""
    raw = _bytes(binary.get("data"))
    return None if raw is None else plain_text(str(binary.get("contentType") or "text/plain"), raw)


def _title(r: Mapping[str, Any]) -> str:
    titles = [a.get("title") for a in attachments(r) if a.get("title")]
    return str(r.get("description") or (titles[0] if titles else None) or _text(r.get("type")) or "")


def note(r: Resource, ctx: MapContext) -> NoteRecord | None:
    authored = instant(r.get("date"))
    patient_id = _patient(r.get("subject"))
    if r.get("status") == ENTERED_IN_ERROR or authored is None or patient_id is None:
        return None
    text, content = note_content(r, ctx.base_url)
    type_codings = codings(r.get("type"))
    authors = r.get("author") or [None]
    return NoteRecord(
        provenance=ctx.provenance(r, patient_id),
        patient_id=patient_id,
        title=_title(r),
        authored_at=authored,
        text=text,
        type=type_codings[0] if type_codings else None,
        author=ctx.practitioner(authors[0]),
        business_id=master_identifier(r),
        content=content,
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
    quantity = _quantity(r.get("valueQuantity"))
    return LabResultRecord(
        provenance=ctx.provenance(r, patient_id),
        patient_id=patient_id,
        code=code,
        display=_text(r.get("code")) or code.code,
        effective_at=effective,
        status=str(r.get("status")),
        value_quantity=quantity,
        value_string=str(value) if value is not None else None,
        reference_range=_reference_range(r.get("referenceRange")),
        interpretation=_interpretation(r.get("interpretation")),
        business_id=identity(r),
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
