"""Opaque keyset cursors: per source, where that source left off; signed so tampering is caught."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping

from sources.base import Position
from sources.records import RecordSource
from sources.registry import is_source

from .errors import BadUserInput

__all__ = ["Cursor", "decode_cursor", "encode_cursor"]

# A source missing from a cursor has not been read yet; DONE marks one with nothing left.
Cursor = dict[RecordSource, Position | None]


def _sign(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()[:32]


def encode_cursor(key: bytes, list_name: str, positions: Mapping[RecordSource, Position | None]) -> str:
    """Encode per-source positions (None: that source is exhausted) for one list."""
    body = {
        "l": list_name,
        "p": {src: (None if pos is None else [pos.time.isoformat(), pos.id]) for src, pos in positions.items()},
    }
    payload = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    token = {"b": body, "s": _sign(key, payload)}
    return base64.urlsafe_b64encode(json.dumps(token, separators=(",", ":")).encode()).decode()


def decode_cursor(key: bytes, list_name: str, value: str) -> Cursor:
    """Decode and verify a cursor made by `encode_cursor` for the same list."""
    try:
        token = json.loads(base64.urlsafe_b64decode(value.encode()))
        body = token["b"]
        payload = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        if not hmac.compare_digest(str(token["s"]), _sign(key, payload)) or body["l"] != list_name:
            raise ValueError("signature")
        out: Cursor = {}
        for src, pos in dict(body["p"]).items():
            if not is_source(src):
                raise ValueError("unknown source")
            out[RecordSource(src)] = None if pos is None else Position(dt.datetime.fromisoformat(pos[0]), str(pos[1]))
    except (ValueError, KeyError, TypeError, RecursionError, binascii.Error, json.JSONDecodeError) as exc:
        raise BadUserInput("The `after` cursor is not valid.", argument="after") from exc
    return out
