"""Analysts reach a patient only by the sealed id a cohort answer handed their project.

No DoD ID comes in (`patient(dodId:)` refuses analysts outright, see `open_patient`) and none
goes out: the id names a person key, which only the identity vault ties to a DoD ID, and the
answer shows the project's pseudonym in its place (`schema/extensions/deidentify.py`).
"""

from __future__ import annotations

from .context import RequestContext
from .deid import DateMode, ProjectKeys, pseudonym, seal_person, unseal_person
from .deid.dates import shift_days
from .errors import Forbidden, GatewayError
from .patients import PatientHandle, admit, deny, linked
from .ports import StoreError
from .principal import Role

__all__ = [
    "VaultUnavailable",
    "analyst_patient_id",
    "analyst_pseudonym",
    "analyst_shift_days",
    "open_person",
    "project_keys",
]


class VaultUnavailable(GatewayError):
    """The identity vault (the gateway's database) could not be read."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__("Patient ids cannot be resolved right now; try again shortly.")


def project_keys(ctx: RequestContext) -> ProjectKeys:
    """The keys of the analyst's project (FORBIDDEN for anyone who is not an analyst)."""
    project = ctx.principal.project
    if ctx.principal.role is not Role.ANALYST or project is None:
        raise Forbidden()
    return ctx.services.settings.analyst_keys.project(project)


async def open_person(ctx: RequestContext, sealed_id: str, path: tuple[str | int, ...]) -> PatientHandle:
    """The patient behind an id this project was handed; the same FORBIDDEN for anything else."""
    person_key = unseal_person(project_keys(ctx), sealed_id)
    vault = ctx.services.persons
    if person_key is None or vault is None:
        deny(ctx, None)
    ctx.audit.check_open()
    try:
        dod_id = await vault.dod_id_of(person_key)
    except StoreError as exc:
        raise VaultUnavailable() from exc
    if dod_id is None:
        deny(ctx, None)
    links, failures = await linked(ctx, dod_id)
    handle = PatientHandle(dod_id, links, person_key=person_key)
    return admit(ctx, handle, failures, path)


def _person_key(ctx: RequestContext, dod_id: str) -> str | None:
    handle = ctx.patients.get(dod_id)
    return None if handle is None else handle.person_key


def analyst_pseudonym(ctx: RequestContext, dod_id: str) -> str | None:
    """The project's pseudonym for a patient this request opened by sealed id (else None)."""
    key = _person_key(ctx, dod_id)
    return None if key is None else pseudonym(project_keys(ctx), key)


def analyst_patient_id(ctx: RequestContext, dod_id: str) -> str | None:
    """The sealed id this project refetches the patient with (else None)."""
    key = _person_key(ctx, dod_id)
    return None if key is None else seal_person(project_keys(ctx), key)


def analyst_shift_days(ctx: RequestContext, root_key: str | int) -> int | None:
    """For a project configured to shift dates: the offset of the patient opened under this root
    field; None (dates are reduced to years) otherwise."""
    project = ctx.principal.project
    if project is None or ctx.services.settings.projects.dates(project) is not DateMode.SHIFT:
        return None
    dod_id = ctx.roots.get(root_key)
    key = None if dod_id is None else _person_key(ctx, dod_id)
    return None if key is None else shift_days(project_keys(ctx), key)
