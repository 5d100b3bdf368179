"""Cursors sealed for analysts: encrypted, so the source record ids inside them stay hidden."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from resolvers.errors import BadUserInput

__all__ = ["seal_cursor", "unseal_cursor"]

_PREFIX = "s1."
_CONTEXT = b"mhs-analyst-cursor"


def _cipher(key: bytes) -> AESGCM:
    return AESGCM(hashlib.sha256(_CONTEXT + b":" + key).digest())


def seal_cursor(key: bytes, cursor: str) -> str:
    """An opaque, authenticated stand-in for `cursor` that only this gateway can open."""
    nonce = os.urandom(12)
    sealed = _cipher(key).encrypt(nonce, cursor.encode(), _CONTEXT)
    return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal_cursor(key: bytes, value: str) -> str:
    """The cursor inside a sealed one; BAD_USER_INPUT for anything this gateway did not seal."""
    try:
        if not value.startswith(_PREFIX):
            raise ValueError("not sealed")
        raw = value[len(_PREFIX):]
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        return _cipher(key).decrypt(data[:12], data[12:], _CONTEXT).decode()
    except (ValueError, InvalidTag, binascii.Error, UnicodeDecodeError) as exc:
        raise BadUserInput("The `after` cursor is not valid.", argument="after") from exc
