"""Verified claims → the resolvers' Principal (role, subject, facility, token id, strong auth)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resolvers.deid import is_project_name
from resolvers.patients import is_dod_id
from resolvers.principal import Principal, Role

from .errors import AuthError, AuthReason

__all__ = ["PROJECT_CLAIM", "principal_from_claims"]

_MAX_CLAIM = 128
PROJECT_CLAIM = "mhs_project"


def principal_from_claims(
    claims: Mapping[str, Any],
    *,
    clinician_amr: str,
    analyst_amr: str | None = None,
    projects: frozenset[str] | None = None,
) -> Principal:
    """Who the token speaks for; AuthError(TOKEN_CLAIMS_INVALID) when it cannot say.

    Clinicians' tokens must name `clinician_amr` in `amr` (or `acr`), analysts' `analyst_amr`
    (by default the same), else STRONG_AUTH_REQUIRED; an empty method turns the check off. An
    analyst's token must name the project it works for (`mhs_project`); with `projects`
    configured, only those projects sign in."""
    try:
        role = Role(str(claims.get("role")))
    except ValueError:
        raise AuthError(AuthReason.TOKEN_CLAIMS_INVALID, "role claim missing or unknown") from None
    subject = _short_text(claims.get("sub"), "sub")
    if role is Role.PATIENT and not is_dod_id(subject):
        raise AuthError(AuthReason.TOKEN_CLAIMS_INVALID, "patient subject is not a DoD ID")
    facility: str | None = None
    if role is Role.CLINICIAN:
        facility = _short_text(claims.get("facility"), "facility")
    project = _project(claims, projects) if role is Role.ANALYST else None
    jti = claims.get("jti")
    method = (clinician_amr if analyst_amr is None else analyst_amr) if role is Role.ANALYST else clinician_amr
    strong = bool(method) and _used_method(claims, method)
    if role in (Role.CLINICIAN, Role.ANALYST) and method and not strong:
        raise AuthError(AuthReason.STRONG_AUTH_REQUIRED, f"{role.value} token lacks the amr value")
    return Principal(
        role=role,
        subject=subject,
        facility=facility,
        token_id=jti[:_MAX_CLAIM] if isinstance(jti, str) and jti else None,
        strong_auth=strong,
        project=project,
    )


def _project(claims: Mapping[str, Any], projects: frozenset[str] | None) -> str:
    value = claims.get(PROJECT_CLAIM)
    if not isinstance(value, str) or not is_project_name(value):
        raise AuthError(AuthReason.TOKEN_CLAIMS_INVALID, f"analyst {PROJECT_CLAIM} claim missing or malformed")
    if projects is not None and value not in projects:
        raise AuthError(AuthReason.TOKEN_CLAIMS_INVALID, f"analyst {PROJECT_CLAIM} is not a configured project")
    return value


def _short_text(value: object, claim: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_CLAIM:
        raise AuthError(AuthReason.TOKEN_CLAIMS_INVALID, f"{claim} claim missing or malformed")
    return value.strip()


def _used_method(claims: Mapping[str, Any], method: str) -> bool:
    """Whether `amr` (a list, or a space-separated string) or `acr` names `method`."""
    amr = claims.get("amr")
    methods: list[str] = []
    if isinstance(amr, str):
        methods = amr.split()
    elif isinstance(amr, list):
        methods = [m for m in amr if isinstance(m, str)]
    acr = claims.get("acr")
    return method in methods or acr == method
