"""GENESIS-only resources to records: messages, questionnaires, care teams, renewals, slots.

The shared clinical kinds (appointments, notes, labs, prescriptions, conditions) map through
`sources.fhir.mapping`, which follows docs/fhir-conventions.md for every FHIR source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..base import PageRequest
from ..fhir.bundle import Bundle, Resource
from ..fhir.mapping import ENTERED_IN_ERROR, MapContext
from ..fhir.values import codings, instant, ref_id, ref_type, service_in
from ..records import (
    CareTeamRecord,
    FacilityRecord,
    HumanName,
    MessageFolder,
    MessageRecord,
    MessageThreadRecord,
    PractitionerRecord,
    QuestionnaireAssignmentRecord,
    QuestionnaireItemRecord,
    QuestionnaireItemType,
    QuestionnaireRecord,
    Record,
    RenewalRequestRecord,
    RenewalStatus,
    SlotRecord,
)

__all__ = [
    "FACILITY_SYSTEM",
    "TASK_CODE_SYSTEM",
    "assignment",
    "care_team",
    "message",
    "messages",
    "questionnaire",
    "renewal",
    "slot",
    "threads",
]

FACILITY_SYSTEM = "urn:mhs:facility"
TASK_CODE_SYSTEM = "urn:mhs:task-code"
RENEWAL_STATUS: dict[str, RenewalStatus] = {
    "requested": RenewalStatus.REQUESTED,
    "received": RenewalStatus.REQUESTED,
    "accepted": RenewalStatus.IN_REVIEW,
    "ready": RenewalStatus.IN_REVIEW,
    "in-progress": RenewalStatus.IN_REVIEW,
    "on-hold": RenewalStatus.IN_REVIEW,
    "completed": RenewalStatus.APPROVED,
    "rejected": RenewalStatus.DENIED,
    "cancelled": RenewalStatus.DENIED,
    "failed": RenewalStatus.DENIED,
}
_ITEM_TYPES = {t.value.lower(): t for t in QuestionnaireItemType}


def _display_name(display: Any) -> HumanName:
    words = str(display or "").split()
    return HumanName(tuple(words[:-1]), words[-1] if words else "")


# ---- secure messages ----------------------------------------------------------------------------


def _root_of(c: Mapping[str, Any]) -> str:
    for part in c.get("partOf") or ():
        root = ref_id(part, "Communication")
        if root:
            return root
    return str(c.get("id"))


def _live_communications(bundle: Bundle) -> list[Resource]:
    return [
        c
        for c in bundle.resources("Communication")
        if c.get("status") != ENTERED_IN_ERROR and instant(c.get("sent")) is not None
    ]


def threads(bundle: Bundle, ctx: MapContext, page: PageRequest) -> Sequence[Record]:
    """The patient's Communications grouped into threads by root (`partOf`).

    A thread's subject is its root's `topic.text`; its folder is SENT when the newest message
    is from the patient, INBOX otherwise (the conventions define no archive marker, so an
    ARCHIVE filter matches nothing). The caller pages the threads in memory, newest first by
    last message.
    """
    groups: dict[str, list[Resource]] = {}
    for c in _live_communications(bundle):
        groups.setdefault(_root_of(c), []).append(c)
    out: list[Record] = []
    for root_id, members in groups.items():
        root = next((c for c in members if str(c.get("id")) == root_id), None)
        if root is None:
            continue  # replies whose root is not this patient's (or is gone)
        patient_id = ref_id(root.get("subject"), "Patient")
        if patient_id is None:
            continue
        last = max(members, key=lambda c: (instant(c.get("sent")), str(c.get("id"))))
        folder = MessageFolder.SENT if ref_type(last.get("sender")) == "Patient" else MessageFolder.INBOX
        if page.filters.folder is not None and page.filters.folder is not folder:
            continue
        last_at = instant(last.get("sent"))
        assert last_at is not None
        out.append(
            MessageThreadRecord(
                provenance=ctx.provenance(root, patient_id),
                patient_id=patient_id,
                subject=str((root.get("topic") or {}).get("text") or ""),
                folder=folder,
                last_message_at=last_at,
                message_count=len(members),
            )
        )
    return out


def _body(c: Mapping[str, Any]) -> str:
    for payload in c.get("payload") or ():
        if isinstance(payload, Mapping) and isinstance(payload.get("contentString"), str):
            return str(payload["contentString"])
    return ""


def message(c: Resource, ctx: MapContext, patient_id: str | None = None) -> MessageRecord | None:
    """One Communication as a message of the thread its root (`partOf`, or itself) starts."""
    sent = instant(c.get("sent"))
    if sent is None or c.get("status") == ENTERED_IN_ERROR:
        return None
    sender = c.get("sender") or {}
    return MessageRecord(
        provenance=ctx.provenance(c, patient_id),
        thread_id=_root_of(c),
        sent_at=sent,
        sender=str(sender.get("display") or ref_type(sender) or ""),
        from_patient=ref_type(sender) == "Patient",
        body=_body(c),
    )


def messages(bundle: Bundle, ctx: MapContext, page: PageRequest) -> Sequence[Record]:
    """The messages of the thread `page.filters.thread_id`: its root and every reply."""
    root_id = page.filters.thread_id
    members = [c for c in _live_communications(bundle) if _root_of(c) == root_id]
    root = next((c for c in members if str(c.get("id")) == root_id), None)
    if root is None:
        return []
    patient_id = ref_id(root.get("subject"), "Patient")
    return [m for c in members if (m := message(c, ctx, patient_id)) is not None]


# ---- questionnaires -----------------------------------------------------------------------------


def _items(raw: Any) -> tuple[QuestionnaireItemRecord, ...]:
    out = []
    for item in raw or ():
        if not isinstance(item, Mapping):
            continue
        options = tuple(
            str(o["valueString"])
            for o in item.get("answerOption") or ()
            if isinstance(o, Mapping) and "valueString" in o
        )
        out.append(
            QuestionnaireItemRecord(
                link_id=str(item.get("linkId")),
                text=str(item.get("text") or ""),
                type=_ITEM_TYPES.get(str(item.get("type")), QuestionnaireItemType.STRING),
                required=bool(item.get("required", False)),
                options=options,
                items=_items(item.get("item")),
            )
        )
    return tuple(out)


def questionnaire(r: Resource, ctx: MapContext) -> Record | None:
    """A Questionnaire (typed as Record for the shared engine; it is a QuestionnaireRecord)."""
    record = QuestionnaireRecord(
        provenance=ctx.provenance(r, None),
        title=str(r.get("title") or r.get("name") or ""),
        items=_items(r.get("item")),
    )
    return record


def _is_task(r: Mapping[str, Any], code: str) -> bool:
    return any(c.system == TASK_CODE_SYSTEM and c.code == code for c in codings(r.get("code")))


def assignment(r: Resource, ctx: MapContext) -> Record | None:
    patient_id = ref_id(r.get("for"), "Patient")
    questionnaire_id = ref_id(r.get("focus"), "Questionnaire")
    status = r.get("status")
    if not _is_task(r, "questionnaire") or patient_id is None or questionnaire_id is None:
        return None
    if status in (ENTERED_IN_ERROR, "cancelled"):
        return None
    appointment = next((a for a in (ref_id(b, "Appointment") for b in r.get("basedOn") or ()) if a), None)
    period = (r.get("restriction") or {}).get("period") or {}
    return QuestionnaireAssignmentRecord(
        provenance=ctx.provenance(r, patient_id),
        patient_id=patient_id,
        questionnaire_id=questionnaire_id,
        appointment_id=appointment,
        due_by=instant(period.get("end")),
        completed_at=instant(r.get("lastModified")) if status == "completed" else None,
    )


def pending_filter(records: Sequence[Record], page: PageRequest) -> Sequence[Record]:
    if not page.filters.pending_only:
        return records
    return [r for r in records if isinstance(r, QuestionnaireAssignmentRecord) and not r.completed_at]


def renewal(r: Resource, ctx: MapContext) -> Record | None:
    patient_id = ref_id(r.get("for"), "Patient")
    prescription_id = ref_id(r.get("focus"), "MedicationRequest")
    status = RENEWAL_STATUS.get(str(r.get("status")))
    requested = instant(r.get("authoredOn"))
    if not _is_task(r, "renewal") or patient_id is None or prescription_id is None:
        return None
    if status is None or requested is None:
        return None
    notes = [n.get("text") for n in r.get("note") or () if isinstance(n, Mapping)]
    return RenewalRequestRecord(
        provenance=ctx.provenance(r, patient_id),
        patient_id=patient_id,
        prescription_id=prescription_id,
        status=status,
        requested_at=requested,
        note=str(notes[0]) if notes and notes[0] else None,
    )


# ---- care teams and slots -----------------------------------------------------------------------


def facility_id(r: Mapping[str, Any]) -> str | None:
    for ident in r.get("identifier") or ():
        if isinstance(ident, Mapping) and ident.get("system") == FACILITY_SYSTEM:
            return str(ident.get("value") or "") or None
    return None


def care_team(r: Resource, ctx: MapContext) -> Record | None:
    """A CareTeam; the facility's name is the Location id here, filled in by the source."""
    patient_id = ref_id(r.get("subject"), "Patient")
    if patient_id is None or r.get("status") == ENTERED_IN_ERROR:
        return None
    members = []
    for participant in r.get("participant") or ():
        if not isinstance(participant, Mapping):
            continue
        member = ctx.practitioner(participant.get("member"))
        if member is None:
            continue
        roles = [c.display or c.code for p in participant.get("role") or () for c in codings(p)]
        role_text = next((p.get("text") for p in participant.get("role") or () if isinstance(p, Mapping)), None)
        members.append(PractitionerRecord(member.id, member.name, role_text or next(iter(roles), None)))
    fid = facility_id(r)
    return CareTeamRecord(
        provenance=ctx.provenance(r, patient_id),
        name=str(r.get("name") or ""),
        facility=FacilityRecord(fid, fid, True) if fid else None,
        members=tuple(members),
        patient_id=patient_id,
    )


def slot(r: Resource, ctx: MapContext) -> Record | None:
    """A free Slot with the facility and practitioner its Schedule names."""
    start, end = instant(r.get("start")), instant(r.get("end"))
    schedule_id = ref_id(r.get("schedule"), "Schedule")
    schedule = ctx.bundle.included("Schedule").get(schedule_id or "") or {}
    facility = practitioner = None
    for actor in schedule.get("actor") or ():
        location_id = ref_id(actor, "Location")
        if facility is None and location_id:
            facility = FacilityRecord(location_id, str(actor.get("display") or location_id), True)
        practitioner = practitioner or ctx.practitioner(actor)
    if start is None or end is None or facility is None or r.get("status") != "free":
        return None
    record = SlotRecord(
        provenance=ctx.provenance(r, None, facility.name),
        start=start,
        end=end,
        service=service_in(r),
        facility=facility,
        practitioner=practitioner,
        version=(r.get("meta") or {}).get("versionId"),
    )
    return record
