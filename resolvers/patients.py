"""Resolve a patient: check access, link the DoD ID to every source, pick demographics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from sources.base import PageRequest, Query
from sources.errors import SourceError
from sources.records import (
    CareTeamRecord,
    Demographics,
    Link,
    LinkedRef,
    RecordKind,
    RecordSource,
)

from .context import RequestContext
from .errors import BadUserInput, Forbidden, GatewayError
from .federation import source_rank
from .loaders import PatientLinks
from .principal import Role

__all__ = [
    "PatientHandle",
    "admit",
    "care_team",
    "coverage",
    "deny",
    "is_dod_id",
    "linked",
    "open_patient",
    "opened",
]

DOD_ID = re.compile(r"[0-9]{10}\Z")  # ASCII digits only; \Z, unlike $, refuses a trailing newline


def is_dod_id(value: str) -> bool:
    """Whether `value` is a DoD ID (EDIPI): exactly ten ASCII digits."""
    return DOD_ID.match(value) is not None


@dataclass(frozen=True)
class PatientHandle:
    """A patient the caller may see, with how the DoD ID links to each source."""

    dod_id: str
    links: PatientLinks
    break_glass: bool = False
    person_key: str | None = None  # set when an analyst opened the patient by a sealed id
    links_kept: bool = False  # the links came from the short link cache: nothing was read to link

    def link(self, source: RecordSource) -> Link | None:
        found = self.links.get(source)
        return found if isinstance(found, Link) and found.linked else None

    @property
    def demographics(self) -> Demographics | None:
        ranked = sorted(
            (lk for lk in self.links.values() if isinstance(lk, Link) and lk.demographics),
            key=lambda lk: source_rank(lk.source),
        )
        return ranked[0].demographics if ranked else None


async def care_team(ctx: RequestContext, handle: PatientHandle) -> CareTeamRecord | None:
    """The patient's primary care team, from the most authoritative source that holds one (GENESIS)."""
    for source in ctx.services.providing(RecordKind.CARE_TEAM):
        link = handle.link(source)
        if link is None:
            continue
        page = await ctx.loaders.fetch(source, RecordKind.CARE_TEAM, Query(link, PageRequest(first=1)))
        ctx.audit.touch(handle.dod_id, kind=RecordKind.CARE_TEAM.value, source=source)
        team = page.items[0] if page.items else None
        if isinstance(team, CareTeamRecord):
            return team
    return None


class RecordUnreachable(GatewayError):
    """The signed-in patient's own record: no source that holds it answered (SOURCE_UNAVAILABLE)."""

    code = "SOURCE_UNAVAILABLE"

    def __init__(self, failed: SourceError) -> None:
        super().__init__("Your record could not be reached right now; please try again shortly.",
                         source=failed.source)


class AccessUnverifiable(GatewayError):
    """A clinician's access rests on the patient's care team, which could not be read now."""

    code = "SOURCE_UNAVAILABLE"

    def __init__(self, failed: SourceError) -> None:
        super().__init__("Access to this record could not be checked right now; please try again shortly.",
                         source=failed.source)


async def open_patient(ctx: RequestContext, dod_id: str, path: tuple[str | int, ...]) -> PatientHandle:
    """Return the patient if the caller may read them; otherwise the same FORBIDDEN for all.

    Analysts never address a patient by DoD ID: they are refused first, before the DoD ID is
    even checked and before any source or store is asked, so every input answers alike.

    For the others, a denial takes the same steps whether or not the patient exists: the identity
    links (one search per source, by identifier) and, for a clinician, one care-team read (a decoy
    one when nobody is linked), and nothing more. Demographic matching and source failures come
    only once the caller is let in."""
    if ctx.principal.role is Role.ANALYST:
        deny(ctx, dod_id if is_dod_id(dod_id) else None)
    if not is_dod_id(dod_id):
        raise BadUserInput("A DoD ID is 10 digits.", argument="dodId")
    ctx.audit.check_open()  # no audit, no health data: refuse before any source is asked
    principal = ctx.principal
    if principal.role is Role.PATIENT and principal.subject != dod_id:
        deny(ctx, dod_id)
    if (
        principal.role is Role.CLINICIAN
        and ctx.services.settings.require_strong_auth_for_clinicians
        and not principal.strong_auth
    ):
        deny(ctx, dod_id)
    own = principal.role is Role.PATIENT  # their own DoD ID, checked above: the only ones kept
    kept = ctx.loaders.kept_links(dod_id) if own else None
    identities = kept if kept is not None else await ctx.loaders.identities(dod_id)
    known = any(isinstance(lk, Link) and lk.linked for lk in identities.values())
    break_glass, failures = False, []
    if principal.role is Role.CLINICIAN:
        team, failure = await _care_team_for_access(ctx, PatientHandle(dod_id, identities))
        if failure is not None and not ctx.purpose:
            # The care team decides; it could not be read, for an enrolled patient as for nobody
            # (the read is made, or a decoy of it, alike): "try again", the same for both.
            ctx.audit.touch(dod_id, outcome="error")
            raise AccessUnverifiable(failure)
        failures += [failure] if failure else []
        at_facility = team is not None and team.facility is not None and team.facility.id == principal.facility
        if known and not at_facility:
            if not ctx.purpose:
                deny(ctx, dod_id)
            break_glass = True
    links = await ctx.loaders.links(dod_id) if known and kept is None else identities
    if own and kept is None:
        ctx.loaders.keep_links(dod_id, links)
    if not any(isinstance(lk, Link) and lk.linked for lk in links.values()):
        failed = next((lk for lk in links.values() if isinstance(lk, SourceError)), None)
        if own and failed is not None:  # their own DoD ID: saying a source failed tells nothing
            ctx.outcomes.failed(dod_id, failed, path)
            ctx.audit.touch(dod_id, outcome="error")  # the attempt is recorded like any other
            raise RecordUnreachable(failed)  # not "you may not": the record cannot be reached now
        deny(ctx, dod_id)  # unknown everywhere (a match alone never makes a patient known)
    handle = PatientHandle(dod_id, links, break_glass=break_glass, links_kept=kept is not None)
    failures += [lk for lk in links.values() if isinstance(lk, SourceError)]
    return admit(ctx, handle, failures, path, purpose=ctx.purpose if break_glass else None)


async def linked(ctx: RequestContext, dod_id: str) -> tuple[PatientLinks, list[SourceError]]:
    """The DoD ID linked to every source, and the sources that failed; FORBIDDEN (audited) when
    no source holds the patient (for callers already let in: analysts by a sealed id)."""
    links = await ctx.loaders.links(dod_id)
    failures = [link for link in links.values() if isinstance(link, SourceError)]
    if not any(isinstance(lk, Link) and lk.linked for lk in links.values()):
        deny(ctx, dod_id)
    return links, failures


def admit(
    ctx: RequestContext,
    handle: PatientHandle,
    failures: list[SourceError],
    path: tuple[str | int, ...],
    *,
    purpose: str | None = None,
) -> PatientHandle:
    """Let the caller in: report the sources that failed, audit the access, remember the patient."""
    for failure in failures:
        ctx.outcomes.failed(handle.dod_id, failure, path)
    ctx.audit.touch(handle.dod_id, purpose=purpose)
    if not handle.links_kept:
        for source, link in handle.links.items():  # who they are (demographics, identifiers) was read here
            if isinstance(link, Link) and link.linked:
                ctx.audit.touch(handle.dod_id, kind=RecordKind.PATIENT.value, source=source)
    ctx.patients[handle.dod_id] = handle
    if path:
        ctx.roots.setdefault(path[0], handle.dod_id)
    return handle


_DECOY = "0"  # a patient id no source holds: the care-team read a denial of nobody still makes


async def _care_team_for_access(
    ctx: RequestContext, handle: PatientHandle
) -> tuple[CareTeamRecord | None, SourceError | None]:
    """The care team that decides a clinician's access, read the same way for anyone: when the
    patient is linked nowhere that holds care teams, a decoy read of the same shape is made. Where
    a source that holds care teams failed to say whether it knows the patient, the team is unknown:
    its failure, not "not at your facility"."""
    holders = ctx.services.providing(RecordKind.CARE_TEAM)
    unknown = next((lk for s in holders if isinstance(lk := handle.links.get(s), SourceError)), None)
    if unknown is not None:
        return None, unknown
    try:
        if any(handle.link(s) is not None for s in holders):
            return await care_team(ctx, handle), None
        for source in holders[:1]:
            decoy = Link(source, handle.dod_id, (LinkedRef(_DECOY),))
            await ctx.loaders.fetch(source, RecordKind.CARE_TEAM, Query(decoy, PageRequest(first=1)))
    except SourceError as exc:
        return None, exc
    return None, None


async def opened(ctx: RequestContext, dod_id: str, path: tuple[str | int, ...]) -> PatientHandle:
    """The patient whose record a field belongs to: as this request already opened it, or opened
    now (access check and audit), e.g. under a replayed action's answer, which read nothing."""
    handle = ctx.patients.get(dod_id)
    return handle if handle is not None else await open_patient(ctx, dod_id, path)


def deny(ctx: RequestContext, dod_id: str | None) -> NoReturn:
    """Audit the refusal and answer FORBIDDEN (the same for a patient who does not exist)."""
    ctx.audit.touch(dod_id, outcome="denied", purpose=ctx.purpose)
    raise Forbidden()


def coverage(ctx: RequestContext, handle: PatientHandle) -> list[tuple[RecordSource, str, str | None]]:
    """Each registered source's state for this patient in this response."""
    out: list[tuple[RecordSource, str, str | None]] = []
    for source in ctx.services.ranked():
        failed = ctx.outcomes.state(handle.dod_id, source)
        link = handle.links.get(source)
        if failed is not None:
            message = "did not answer in time" if failed == "TIMED_OUT" else "could not be reached"
            out.append((source, failed, message))
        elif isinstance(link, Link) and not link.linked:
            out.append((source, "NOT_LINKED", "no record of this patient in this source"))
        else:
            out.append((source, "OK", None))
    return out
