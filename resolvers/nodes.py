"""node(id:): refetch any object from its source, with the owner's access rule applied.

Records owned by a patient (appointments, labs, messages, ...) are served only after the owner
is found (from the record's source patient id: its DoD ID, or for community patients linked by
`$match`, the GENESIS patient whose link holds them) and `open_patient` allowed the caller in.
Directory objects (practitioners, facilities, slots, questionnaires, health topics) belong to no
patient and any signed-in caller may read them. Analysts open a patient only by the sealed id
a cohort answer handed their project (`resolvers/analysts.py`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sources.base import DemographicMatcher
from sources.errors import SourceError
from sources.records import Link, MessageRecord, RecordKind, RecordSource, RenewalRequestRecord

from .analysts import open_person
from .context import RequestContext
from .deid.persons import is_sealed_person
from .errors import BadUserInput, Forbidden, GatewayError
from .ids import LIBRARY, GlobalId, decode_id
from .loaders import PatientLinks
from .patients import PatientHandle, deny, is_dod_id, open_patient
from .principal import Role

__all__ = ["NodeResult", "fetch_node", "owner_of"]

OWNED: dict[str, RecordKind] = {
    "Appointment": RecordKind.APPOINTMENT,
    "ClinicalNote": RecordKind.CLINICAL_NOTE,
    "LabResult": RecordKind.LAB_RESULT,
    "Prescription": RecordKind.PRESCRIPTION,
    "Condition": RecordKind.CONDITION,
    "MessageThread": RecordKind.MESSAGE_THREAD,
    "SecureMessage": RecordKind.MESSAGE,
    "QuestionnaireAssignment": RecordKind.QUESTIONNAIRE_ASSIGNMENT,
    "RenewalRequest": RecordKind.RENEWAL_REQUEST,
    "CareTeam": RecordKind.CARE_TEAM,
}
SHARED_RECORDS: dict[str, RecordKind] = {"Slot": RecordKind.SLOT, "Questionnaire": RecordKind.QUESTIONNAIRE}
DIRECTORY: dict[str, RecordKind] = {"Practitioner": RecordKind.PRACTITIONER, "Facility": RecordKind.FACILITY}
# What analysts may fetch besides the patients a cohort answer handed them: what is no one's record.
FOR_ANALYSTS = frozenset({"Facility", "Practitioner", "Questionnaire", "HealthTopic"})


class NodeSourceError(GatewayError):
    code = "SOURCE_UNAVAILABLE"


@dataclass(frozen=True)
class NodeResult:
    """What `node(id:)` found: the type, the record, its owner (if a patient owns it), its source."""

    type_name: str
    record: Any
    owner: PatientHandle | None = None
    source: RecordSource | None = None
    related: Any = None  # a renewal request's prescription


async def fetch_node(ctx: RequestContext, raw_id: str, path: tuple[str | int, ...]) -> NodeResult | None:
    """The object behind an opaque id if the caller may see it: FORBIDDEN for another patient's
    record (or one that does not exist), BAD_USER_INPUT for an id that is not one of ours, and
    None for a directory object that is gone.

    Analysts open patients only by the sealed ids cohort answers hand their project; any other
    id of a patient or of a patient's record is refused before a source or store is asked."""
    if ctx.principal.role is Role.ANALYST and is_sealed_person(raw_id):
        return NodeResult("Patient", None, await open_person(ctx, raw_id, path))
    gid = decode_id(raw_id)
    if ctx.principal.role is Role.ANALYST and gid.type_name not in FOR_ANALYSTS:
        deny(ctx, None)
    if gid.type_name == "Patient":
        return NodeResult("Patient", None, await open_patient(ctx, gid.source_id, path))
    if gid.type_name == "HealthTopic":
        return await _topic(ctx, gid)
    if gid.source == LIBRARY or gid.type_name not in OWNED | SHARED_RECORDS | DIRECTORY:
        raise BadUserInput("That id is not a known id.", argument="id")
    source = gid.record_source
    if source not in ctx.services.sources:
        return None
    if gid.type_name in DIRECTORY:
        entry = await _guard(source, ctx.loaders.entry(source, DIRECTORY[gid.type_name], gid.source_id))
        return None if entry is None else NodeResult(gid.type_name, entry, None, source)
    if gid.type_name in SHARED_RECORDS:
        shared = await _guard(source, ctx.loaders.get(source, SHARED_RECORDS[gid.type_name], gid.source_id))
        return None if shared is None else NodeResult(gid.type_name, shared, None, source)
    return await _owned(ctx, gid, source, path)


async def _record_and_patient(ctx: RequestContext, gid: GlobalId, source: RecordSource) -> tuple[Any, str | None]:
    """The record `gid` names and its source's id of the patient it belongs to."""
    record = await _guard(source, ctx.loaders.get(source, OWNED[gid.type_name], gid.source_id))
    patient_id = getattr(record, "patient_id", None)
    if isinstance(record, MessageRecord):
        thread = await _guard(source, ctx.loaders.get(source, RecordKind.MESSAGE_THREAD, record.thread_id))
        patient_id = getattr(thread, "patient_id", None)
    return record, patient_id


async def owner_of(ctx: RequestContext, raw_id: str) -> str | None:
    """The DoD ID of the patient a record id belongs to, for the audit of a refused write only
    (no access check, nothing shown): None when it is not a patient's record or cannot be told."""
    try:
        gid = decode_id(raw_id)
        if gid.type_name not in OWNED or gid.record_source not in ctx.services.sources:
            return None
        record, patient_id = await _record_and_patient(ctx, gid, gid.record_source)
        if record is None or not patient_id:
            return None
        for dod_id in await _candidates(ctx, gid.record_source, patient_id):
            if _holds(await ctx.loaders.links(dod_id), gid.record_source, patient_id):
                return dod_id
    except (GatewayError, SourceError):
        return None
    return None


async def _owned(ctx: RequestContext, gid: GlobalId, source: RecordSource, path: tuple[str | int, ...]) -> NodeResult:
    record, patient_id = await _record_and_patient(ctx, gid, source)
    if record is None or not patient_id:
        raise Forbidden()  # the same answer as for another patient's record
    owner = await _owner(ctx, source, patient_id, path)
    ctx.audit.touch(owner.dod_id, kind=OWNED[gid.type_name].value, source=source)
    record = _as_listed(record, owner, source, patient_id)
    related = None
    if isinstance(record, RenewalRequestRecord):
        rx = await _guard(source, ctx.loaders.get(source, RecordKind.PRESCRIPTION, record.prescription_id))
        if rx is not None and getattr(rx, "patient_id", None) != patient_id:
            raise Forbidden()  # the Task points at another patient's prescription: show neither
        related = None if rx is None else _as_listed(rx, owner, source, patient_id)
        if rx is not None:
            ctx.audit.touch(owner.dod_id, kind=RecordKind.PRESCRIPTION.value, source=source)
    return NodeResult(gid.type_name, record, owner, source, related)


async def _owner(
    ctx: RequestContext, source: RecordSource, patient_id: str, path: tuple[str | int, ...]
) -> PatientHandle:
    """The patient whose `source` record `patient_id` is, opened under the caller's rules."""
    principal = ctx.principal
    own = principal.role is Role.PATIENT and is_dod_id(principal.subject)
    if own and _holds(await ctx.loaders.links(principal.subject), source, patient_id):
        return await open_patient(ctx, principal.subject, path)
    for dod_id in await _candidates(ctx, source, patient_id):
        if _holds(await ctx.loaders.links(dod_id), source, patient_id):
            return await open_patient(ctx, dod_id, path)  # FORBIDDEN (and audited) if not allowed
    raise Forbidden()


async def _candidates(ctx: RequestContext, source: RecordSource, patient_id: str) -> list[str]:
    """DoD IDs that may own `patient_id`: its own identifier, else patients like it in the sources
    whose demographics drive matching (those that link by identifier: GENESIS, the archive)."""
    who = await _guard(source, ctx.loaders.patient(source, patient_id))
    if who is None:
        return []
    if who.dod_id:
        return [who.dod_id] if is_dod_id(who.dod_id) else []
    if not isinstance(ctx.services.sources[source], DemographicMatcher):
        return []
    # Linked by a demographic match: the owner is among the other sources' patients like it.
    found: set[str] = set()
    for other in ctx.services.ranked():
        if other != source and not isinstance(ctx.services.sources[other], DemographicMatcher):
            like = await _guard(other, ctx.loaders.find_patients(other, who))
            found |= {d.dod_id for d in like if d.dod_id and is_dod_id(d.dod_id)}
    return sorted(found)


def _holds(links: PatientLinks, source: RecordSource, patient_id: str) -> bool:
    link = links.get(source)
    return isinstance(link, Link) and any(ref.patient_id == patient_id for ref in link.refs)


def _as_listed(record: Any, owner: PatientHandle, source: RecordSource, patient_id: str) -> Any:
    """The record with the provenance the owner's lists give it (practice, match score)."""
    link = owner.link(source)
    ref = next((r for r in link.refs if r.patient_id == patient_id), None) if link else None
    provenance = getattr(record, "provenance", None)
    if ref is None or provenance is None:
        return record
    changed = dataclasses.replace(
        provenance,
        organization=ref.organization or provenance.organization,
        match_confidence=ref.match_confidence,
    )
    return dataclasses.replace(record, provenance=changed)


async def _topic(ctx: RequestContext, gid: GlobalId) -> NodeResult | None:
    if gid.source != LIBRARY:
        raise BadUserInput("That id is not a known id.", argument="id")
    if ctx.services.topics is None:
        return None
    found = await ctx.services.topics.get([gid.source_id])
    return NodeResult("HealthTopic", found[0]) if found and found[0] is not None else None


async def _guard(source: RecordSource, pending: Any) -> Any:
    try:
        return await pending
    except SourceError as exc:
        raise NodeSourceError("The record's source could not be reached.", source=source) from exc
