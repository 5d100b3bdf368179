"""Opaque, stateless page tokens: the original query and the offset of the page they name."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence

from .outcome import BadRequest

__all__ = ["decode_page", "encode_page"]


def encode_page(items: Sequence[tuple[str, str]], offset: int) -> str:
    """A URL-safe token naming page `offset` of the search `items`."""
    raw = json.dumps({"q": [list(i) for i in items], "o": offset}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_page(token: str) -> tuple[list[tuple[str, str]], int]:
    """The query items and offset a page token names."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        items = [(str(k), str(v)) for k, v in data["q"]]
        offset = int(data["o"])
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise BadRequest("the page token is not valid") from exc
    if offset < 0:
        raise BadRequest("the page token is not valid")
    return items, offset
