"""Keys for analysts, derived from the one configured secret: a separate set per project.

HKDF-SHA256 (RFC 5869) turns `MHS_GATEWAY_PSEUDONYM_KEY` into independent keys, each bound to
its purpose and project by HKDF's `info`. Knowing one project's keys says nothing about another's,
so two projects' pseudonyms (and the ids they are handed) never join.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["AnalystKeys", "ProjectKeys", "is_project_name"]

_SALT = b"mhs-gateway analyst keys v1"
_PROJECT = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\Z")


def is_project_name(value: str) -> bool:
    """A project name: 1-63 lower-case letters, digits and dashes, starting with a letter or digit."""
    return _PROJECT.match(value) is not None


def _derive(secret: bytes, purpose: str, length: int) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=_SALT, info=purpose.encode())
    return hkdf.derive(secret)


@dataclass(frozen=True)
class ProjectKeys:
    """One project's keys: its pseudonyms (HMAC), its patient ids (AES-SIV) and its date shifts."""

    project: str
    pseudonyms: bytes = field(repr=False)
    ids: bytes = field(repr=False)
    shifts: bytes = field(repr=False)


class AnalystKeys:
    """Every key analysts' answers use, derived on demand from the root secret (cached)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the pseudonym secret must be at least 16 bytes")
        self._secret = secret
        self.cursors = _derive(secret, "cursors", 32)
        """Seals the cursors analysts page with (not per project: they hold no identity)."""
        self.mart = _derive(secret, "mart", 32)
        """Keys the mart's record and duplicate hashes, so they reveal no source id."""

    def __repr__(self) -> str:
        return "AnalystKeys(<secret>)"

    def project(self, name: str) -> ProjectKeys:
        """The keys of project `name` (ValueError for a malformed name)."""
        if not is_project_name(name):
            raise ValueError("not a project name")
        return _project_keys(self._secret, name)


@cache
def _project_keys(secret: bytes, name: str) -> ProjectKeys:
    return ProjectKeys(
        project=name,
        pseudonyms=_derive(secret, f"project:{name}:pseudonyms", 32),
        ids=_derive(secret, f"project:{name}:ids", 64),
        shifts=_derive(secret, f"project:{name}:date-shifts", 32),
    )
