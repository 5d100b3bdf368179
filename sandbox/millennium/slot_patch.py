"""`PATCH /Slot/:id`: only `replace /status`, to `free` or `busy-tentative` (base/workflow/slot.md,
Patch; lib/resources/r4/slot_patch.yaml)."""

from __future__ import annotations

from sandbox.fhir.messages import FhirRequest, FhirResponse

from .errors import Unprocessable
from .patch import parse_patch
from .versions import check_if_match, save
from .writing import WriteContext, answer, existing

__all__ = ["patch_slot"]

_STATUSES = ("free", "busy-tentative")


async def patch_slot(ctx: WriteContext, request: FhirRequest, sid: str) -> FhirResponse:
    """Hold (`busy-tentative`) or release (`free`) a slot; a booked (`busy`) one stays booked."""
    current = existing(ctx.store, "Slot", sid)
    with ctx.locks.hold(("Slot", sid)):
        check_if_match(request, current)
        (op, *more) = parse_patch(request, {("replace", "/status")})
        if more:
            raise Unprocessable("give replace /status once")
        if op.value not in _STATUSES:
            raise Unprocessable("a slot's status can be patched to free or busy-tentative only")
        if current.get("status") == "busy":
            raise Unprocessable("a booked slot is released by cancelling or moving its appointment")
        stored = save(ctx.store, {**current, "status": op.value})
    return answer(ctx, 200, stored)
