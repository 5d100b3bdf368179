"""Who a patient is (name, birth date, contacts), from the most authoritative source that links them."""

from __future__ import annotations

from sources.errors import SourceError
from sources.records import Demographics, RecordKind

from .context import RequestContext
from .federation import source_rank
from .patients import PatientHandle

__all__ = ["demographics_of"]


async def demographics_of(
    ctx: RequestContext, handle: PatientHandle, path: tuple[str | int, ...]
) -> Demographics | None:
    """As the links carry them; links from the short link cache carry record ids only, so then the
    patient is read by id (batched with the request's other reads, in the same wave)."""
    if (found := handle.demographics) is not None:
        return found
    for source in sorted(handle.links, key=source_rank):
        link = handle.link(source)
        if link is None:
            continue
        try:
            found = await ctx.loaders.patient(source, link.refs[0].patient_id)
        except SourceError as exc:
            ctx.outcomes.failed(handle.dod_id, exc, path)
            continue
        ctx.audit.touch(handle.dod_id, kind=RecordKind.PATIENT.value, source=source)
        if found is not None:
            return found
    return None
