"""`extensions.persistedQuery` of one request (Apollo APQ): the protocol version and the hash."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import MalformedPersistedQuery, UnsupportedVersion

__all__ = ["EXTENSION", "PersistedQuery", "document_hash", "persisted_query"]

EXTENSION = "persistedQuery"
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def document_hash(text: str) -> str:
    """The hex SHA-256 of a document's text: its APQ hash, and what the audit log records."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class PersistedQuery:
    sha256: str  # lowercase hex


def persisted_query(extensions: Mapping[str, Any]) -> PersistedQuery | None:
    """The request's persisted query, None when it names none; 400 when it is malformed."""
    if EXTENSION not in extensions:
        return None
    value = extensions[EXTENSION]
    if not isinstance(value, Mapping):
        raise MalformedPersistedQuery("`extensions.persistedQuery` must be a JSON object.")
    version = value.get("version")
    if version != 1 or isinstance(version, bool):
        raise UnsupportedVersion(version)
    digest = value.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.match(digest):
        raise MalformedPersistedQuery("`sha256Hash` must be 64 hexadecimal characters.")
    return PersistedQuery(digest.lower())
