"""The demo's personas: who each is, and a sign-in token for each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.auth.principal import PROJECT_CLAIM
from sandbox.data import Persona
from sandbox.issuer import Issuer

__all__ = ["ANALYST_PROJECT", "DESCRIPTIONS", "PERSONA_KEYS", "PersonaToken", "mint_persona_tokens"]

ANALYST_PROJECT = "readiness-study"  # the project A1 works for (its token's mhs_project claim)

PERSONA_KEYS = ("P1", "P2", "P3", "P4", "C1", "C2", "A1")
DESCRIPTIONS = {
    "P1": "patient, active duty, moved from a TOL-era site to GENESIS (records in all 3 sources)",
    "P2": "patient, retiree, no TOL account; community records linked by $match only",
    "P3": "patient with a long history (hundreds of labs, many threads and appointments)",
    "P4": "patient whose record is only in GENESIS",
    "C1": "clinician on P1's and P2's care team at the GENESIS facility (CAC sign-in)",
    "C2": "clinician at another facility: needs a break-glass reason for any patient",
    "A1": f"analyst for project {ANALYST_PROJECT}: cohort counts and de-identified, pseudonymous records",
}


@dataclass(frozen=True, slots=True)
class PersonaToken:
    """One persona's token, with who they are and the claims it carries."""

    key: str
    role: str
    subject: str
    facility: str | None
    description: str
    token: str


def mint_persona_tokens(
    issuer: Issuer, personas: Mapping[str, Persona], *, ttl: int = 12 * 3600
) -> dict[str, PersonaToken]:
    """A token for every persona; clinicians carry their facility and the CAC method."""
    tokens: dict[str, PersonaToken] = {}
    for key in PERSONA_KEYS:
        persona = personas[key]
        role, subject = persona.role, persona.subject
        facility = persona.facility if role == "clinician" else None
        amr = ["cac"] if role in ("clinician", "analyst") else ["dslogon"]
        project = {PROJECT_CLAIM: ANALYST_PROJECT} if role == "analyst" else None
        token = issuer.mint(role, subject, facility=facility, ttl=ttl, amr=amr, extra_claims=project)
        tokens[key] = PersonaToken(key, role, subject, facility, DESCRIPTIONS[key], token)
    return tokens
