"""Opaque ids in mutation inputs: a malformed or wrong-type id is a userError on its field."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import BadUserInput
from ..ids import GlobalId, decode_id
from .results import ActionResult

__all__ = ["input_id"]


def input_id(value: str, expect: str, field: Sequence[str]) -> GlobalId | ActionResult:
    """The decoded id, or a BAD_USER_INPUT refusal pointing at `field` (nothing is written)."""
    try:
        return decode_id(value, expect=expect)
    except BadUserInput:
        return ActionResult.refused("BAD_USER_INPUT", f"That is not a valid {expect} id.", field)
