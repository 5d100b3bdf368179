"""node(id:): refetch any record from its source, with the owner's access rule applied."""

from __future__ import annotations

from typing import Any

from sources.errors import SourceError
from sources.records import RecordKind, RecordSource

from .context import RequestContext
from .errors import Forbidden, GatewayError
from .ids import LIBRARY, decode_id
from .patients import PatientHandle, open_patient
from .principal import Role

__all__ = ["KIND_OF_TYPE", "fetch_node"]

KIND_OF_TYPE: dict[str, RecordKind] = {
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


class NodeSourceError(GatewayError):
    code = "SOURCE_UNAVAILABLE"


async def fetch_node(
    ctx: RequestContext, raw_id: str, path: tuple[str | int, ...]
) -> tuple[str, Any, PatientHandle | None]:
    """(type name, record, owner) for an id the caller may see; FORBIDDEN otherwise."""
    gid = decode_id(raw_id)
    if gid.type_name == "Patient":
        handle = await open_patient(ctx, gid.source_id, path)
        return "Patient", None, handle
    if gid.source == LIBRARY:
        return gid.type_name, gid.source_id, None
    kind = KIND_OF_TYPE.get(gid.type_name)
    source = gid.record_source
    if kind is None or source not in ctx.services.sources:
        raise Forbidden()
    try:
        record = await ctx.loaders.get(source, kind, gid.source_id)
    except SourceError as exc:
        raise NodeSourceError("The record's source could not be reached.", source=source.value) from exc
    if record is None:
        raise Forbidden()
    owner = await _owner(ctx, source, record, path)
    return gid.type_name, record, owner


async def _owner(ctx: RequestContext, source: RecordSource, record: Any, path: tuple[str | int, ...]) -> PatientHandle:
    """The patient who owns `record`, if the caller may read them (patients: only themself)."""
    patient_id = getattr(record, "patient_id", None)
    if ctx.principal.role is Role.PATIENT and patient_id is not None:
        handle = await open_patient(ctx, ctx.principal.subject, path)
        link = handle.link(source)
        if link is not None and any(ref.patient_id == patient_id for ref in link.refs):
            return handle
    raise Forbidden()
