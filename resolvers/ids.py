"""Opaque global ids: the type, the source and the source's own id, base64url encoded."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from sources.records import RecordSource
from sources.registry import is_source

from .errors import BadUserInput

__all__ = ["LIBRARY", "PERSON", "GlobalId", "decode_id", "encode_id"]


LIBRARY = "LIBRARY"  # the gateway's own health library, not an upstream source
PERSON = "DOD"  # a patient across every source, by DoD ID


@dataclass(frozen=True, slots=True)
class GlobalId:
    type_name: str
    source: str  # a registered source's name, or LIBRARY
    source_id: str

    @property
    def record_source(self) -> RecordSource:
        return RecordSource(self.source)


def encode_id(type_name: str, source: str, source_id: str) -> str:
    """The opaque id clients see for one record."""
    raw = f"{type_name}:{source}:{source_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_id(value: str, *, expect: str | None = None) -> GlobalId:
    """Decode an opaque id; anything malformed (or of another type) is BAD_USER_INPUT."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        type_name, source, source_id = raw.split(":", 2)
        if source not in (LIBRARY, PERSON) and not is_source(source):
            raise ValueError("unknown source")
        gid = GlobalId(type_name, source, source_id)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise BadUserInput("That id is not valid.", argument="id") from exc
    if not source_id or (expect is not None and type_name != expect):
        raise BadUserInput(f"That id is not a {expect or 'known'} id.", argument="id")
    return gid
