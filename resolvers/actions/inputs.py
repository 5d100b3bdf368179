"""Opaque ids in mutation inputs: a malformed or wrong-type id is a userError on its field."""

from __future__ import annotations

from ..context import RequestContext
from ..errors import BadUserInput
from ..ids import GlobalId, decode_id
from .pipeline import Refused

__all__ = ["input_id", "writable_id"]


def input_id(value: str, expect: str, field: tuple[str, ...]) -> GlobalId:
    """The decoded id; Refused with BAD_USER_INPUT on `field` when it is not an `expect` id."""
    try:
        return decode_id(value, expect=expect)
    except BadUserInput:
        raise Refused.one("BAD_USER_INPUT", f"That is not a valid {expect} id.", field) from None


def writable_id(
    ctx: RequestContext, value: str | None, expect: str, field: tuple[str, ...], message: str
) -> str | None:
    """The source's own id inside `value` (None when not given); NOT_GENESIS (with `message`) when
    the id names a record of a source patients cannot change."""
    if value is None:
        return None
    gid = input_id(value, expect, field)
    if not ctx.services.writable(gid.record_source):
        raise Refused.one("NOT_GENESIS", message, field)
    return gid.source_id
