"""Header values that are stored (audit) or logged: UTF-8 text without control characters, bounded."""

from __future__ import annotations

import unicodedata

from starlette.requests import Request

from .problems import HttpProblem

__all__ = ["text_header"]

# Control (Cc) and format (Cf: bidi overrides and isolates, zero-width marks) characters change how
# a stored value reads to whoever looks at it later; tab is the one allowed.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def _refuse(name: str, why: str) -> HttpProblem:
    return HttpProblem(400, "BAD_USER_INPUT", f"{name} {why}.", extensions={"header": name})


def text_header(request: Request, name: str, max_chars: int) -> str | None:
    """The header's value decoded as UTF-8, NFC-normalized and stripped; None when absent or blank.

    400 BAD_USER_INPUT naming the header when it is not UTF-8, holds control or format characters,
    is sent more than once, or is longer than `max_chars`."""
    wanted = name.lower().encode("latin-1")
    raw = [value for key, value in request.headers.raw if key.lower() == wanted]
    if not raw:
        return None
    if len(raw) > 1:
        raise _refuse(name, "may be sent once")
    try:
        text = raw[0].decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse(name, "must be UTF-8 text") from None
    if any(ch != "\t" and unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in text):
        raise _refuse(name, "must not hold control or formatting characters")
    text = unicodedata.normalize("NFC", text).strip()
    if len(text) > max_chars:
        raise _refuse(name, f"is limited to {max_chars} characters")
    return text or None
