"""Questionnaire reads: assignments of a patient, their forms and their appointments."""

from __future__ import annotations

from sources.base import Filters
from sources.errors import SourceError
from sources.records import (
    AppointmentRecord,
    QuestionnaireAssignmentRecord,
    QuestionnaireRecord,
    RecordKind,
)

from .context import RequestContext
from .errors import GatewayError
from .lists import all_records
from .patients import opened

__all__ = ["appointment_of", "assignment_for", "assignments", "questionnaire_of"]


class RecordUnavailable(GatewayError):
    code = "SOURCE_UNAVAILABLE"


async def assignments(
    ctx: RequestContext, dod_id: str, *, pending_only: bool, path: tuple[str | int, ...]
) -> list[QuestionnaireAssignmentRecord]:
    """The patient's questionnaire assignments (pending ones only, when asked)."""
    found = await all_records(
        ctx,
        await opened(ctx, dod_id, path),
        RecordKind.QUESTIONNAIRE_ASSIGNMENT,
        path,
        Filters(pending_only=pending_only),
    )
    out = [a for a in found if isinstance(a, QuestionnaireAssignmentRecord)]
    return [a for a in out if a.completed_at is None] if pending_only else out


async def assignment_for(
    ctx: RequestContext, dod_id: str, appt: AppointmentRecord
) -> QuestionnaireAssignmentRecord | None:
    """The assignment tied to one appointment, if any."""
    if appt.provenance.source not in ctx.services.providing(RecordKind.QUESTIONNAIRE_ASSIGNMENT):
        return None
    for a in await assignments(ctx, dod_id, pending_only=False, path=("questionnaires",)):
        if a.appointment_id == appt.provenance.source_id:
            return a
    return None


async def questionnaire_of(ctx: RequestContext, a: QuestionnaireAssignmentRecord) -> QuestionnaireRecord:
    """The form behind an assignment."""
    try:
        q = await ctx.loaders.get(a.provenance.source, RecordKind.QUESTIONNAIRE, a.questionnaire_id)
    except SourceError as exc:
        raise RecordUnavailable("The questionnaire could not be loaded.", source=exc.source) from exc
    if not isinstance(q, QuestionnaireRecord):
        raise RecordUnavailable("The questionnaire could not be loaded.")
    return q


async def appointment_of(
    ctx: RequestContext, dod_id: str, a: QuestionnaireAssignmentRecord
) -> AppointmentRecord | None:
    """The appointment an assignment of patient `dod_id` prepares, if any."""
    if a.appointment_id is None:
        return None
    try:
        appt = await ctx.loaders.get(a.provenance.source, RecordKind.APPOINTMENT, a.appointment_id)
    except SourceError:
        return None
    # Upstream data decides where `basedOn` points: never follow it to another patient's visit.
    if not isinstance(appt, AppointmentRecord) or appt.patient_id != a.patient_id:
        return None
    ctx.audit.touch(dod_id, kind=RecordKind.APPOINTMENT.value, source=a.provenance.source)
    return appt
