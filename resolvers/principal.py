"""Who is asking: the signed-in principal built from a verified token."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Principal", "Role"]


class Role(StrEnum):
    PATIENT = "patient"
    CLINICIAN = "clinician"
    ANALYST = "analyst"


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified caller. For patients `subject` is their DoD ID; for clinicians a practitioner id;
    analysts work for one `project` (the token's `mhs_project` claim), which keys what they see."""

    role: Role
    subject: str
    facility: str | None = None
    token_id: str | None = None
    strong_auth: bool = False  # the token says CAC (or another configured method) was used
    project: str | None = None  # analysts only
