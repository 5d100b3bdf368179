"""Run a patient action once per idempotency key: a retry replays the first answer, writes nothing.

    result = await run_idempotent(ctx, "bookAppointment", key, {"slotId": ..., "reason": ...}, action)

- `key` must be non-empty and at most 200 characters (else a BAD_USER_INPUT userError).
- Keys belong to the principal (`role:subject`): one user's key never answers another's call.
- The inputs' canonical JSON is hashed: the same key with other inputs, or for another
  operation, answers IDEMPOTENCY_KEY_REUSED and runs nothing.
- A key whose first call is still running: wait (polling with backoff) until it finishes and
  replay it, or answer IDEMPOTENCY_IN_PROGRESS when it does not finish before the deadline.
- Otherwise `action()` runs and its `ActionResult` (userErrors included: a retry gets the same
  refusal) is stored for replays.
- When the action raises a `SourceError`, the key is released (abandoned) and the answer is
  SOURCE_UNAVAILABLE, so a retry runs the action again. An action therefore raises a
  SourceError only when running it again with the same `request_key(...)` is safe: nothing was
  written, or every write is keyed by the request (conditional create on an identifier, a slot
  hold naming the request) so the rerun finds and finishes it. An action that cannot promise
  that raises `OutcomeUnknown`: the key then stays pending, and the store hands it to a retry
  only once it has gone stale.
- A `GatewayError` (e.g. FORBIDDEN from opening the patient) releases the key and propagates.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from sources.errors import SourceError

from ..context import RequestContext
from ..errors import GatewayError
from ..ports import Begun, Conflict, IdempotencyKeys, InFlight, Replay, StoreError
from .results import ActionResult, UserErrorRecord

__all__ = [
    "KEY_FIELD",
    "MAX_KEY_LENGTH",
    "OutcomeUnknown",
    "bad_key",
    "input_hash",
    "principal_key",
    "request_key",
    "run_idempotent",
]

_log = logging.getLogger("resolvers.actions.idempotency")

MAX_KEY_LENGTH = 200
KEY_FIELD = ("input", "idempotencyKey")
_FIRST_POLL = 0.05  # seconds between looks at a key another call holds, growing to _MAX_POLL
_MAX_POLL = 0.5
_ANSWER_MARGIN = 0.2  # seconds kept before the request deadline to answer


class OutcomeUnknown(Exception):
    """The action failed after a write that a rerun could not reconcile: keep the key pending."""

    def __init__(self, operation: str, cause: BaseException | None = None) -> None:
        self.operation = operation
        self.cause = cause
        super().__init__(f"{operation}: the outcome of a write is unknown")


def principal_key(ctx: RequestContext) -> str:
    """Whose keys these are: `role:subject`."""
    return f"{ctx.principal.role.value}:{ctx.principal.subject}"


def input_hash(operation: str, inputs: Mapping[str, Any]) -> str:
    """SHA-256 of the inputs' canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(dict(inputs), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def request_key(ctx: RequestContext, operation: str, key: str) -> str:
    """The id upstream writes carry for this call (e.g. `identifier=urn:mhs:gateway-request|…`).

    Derived from principal, operation and key, so two users' equal keys never meet upstream,
    and opaque, so no DoD ID or client text reaches the upstream identifier.
    """
    raw = f"{principal_key(ctx)}\x1f{operation}\x1f{key}".encode()
    return hashlib.sha256(raw).hexdigest()[:40]


def bad_key(key: str, field: Sequence[str]) -> UserErrorRecord | None:
    """Why `key` cannot be an idempotency key (empty, or too long), or None."""
    if not key or not key.strip():
        return UserErrorRecord("BAD_USER_INPUT", "The idempotency key must not be empty.", tuple(field))
    if len(key) > MAX_KEY_LENGTH:
        message = f"The idempotency key must be at most {MAX_KEY_LENGTH} characters."
        return UserErrorRecord("BAD_USER_INPUT", message, tuple(field))
    return None


def _unavailable(message: str) -> ActionResult:
    return ActionResult.refused("SOURCE_UNAVAILABLE", message)


async def run_idempotent(
    ctx: RequestContext,
    operation: str,
    key: str,
    inputs: Mapping[str, Any],
    action: Callable[[], Awaitable[ActionResult]],
    *,
    field: Sequence[str] = KEY_FIELD,
) -> ActionResult:
    """Run `action` at most once for (principal, key); see the module docstring for the rules."""
    refused = bad_key(key, field)
    if refused is not None:
        return ActionResult(user_errors=(refused,))
    store = ctx.services.idempotency
    if store is None:
        return _unavailable("The gateway cannot record this action right now; nothing was written.")
    who, digest = principal_key(ctx), input_hash(operation, inputs)
    loop = asyncio.get_running_loop()
    give_up_at = ctx.deadline - _ANSWER_MARGIN
    wait = _FIRST_POLL
    while True:
        try:
            outcome = await store.begin(who, key, operation, digest)
        except StoreError:
            _log.warning("idempotency store unavailable", extra={"operation": operation})
            return _unavailable("The gateway cannot record this action right now; nothing was written.")
        if isinstance(outcome, Replay):
            return ActionResult.from_json(outcome.result)
        if isinstance(outcome, Conflict):
            message = "This idempotency key was already used for another request; use a new key."
            return ActionResult.refused("IDEMPOTENCY_KEY_REUSED", message, field)
        if isinstance(outcome, Begun):
            return await _run(store, who, key, operation, action)
        assert isinstance(outcome, InFlight)
        if loop.time() + wait >= give_up_at:
            message = "A request with this idempotency key is still running; retry with the same key."
            return ActionResult.refused("IDEMPOTENCY_IN_PROGRESS", message, field)
        await asyncio.sleep(wait)
        wait = min(wait * 1.6, _MAX_POLL)


async def _run(
    store: IdempotencyKeys,
    who: str,
    key: str,
    operation: str,
    action: Callable[[], Awaitable[ActionResult]],
) -> ActionResult:
    """Own the key: run the action, store its answer, or release the key when that is safe."""
    try:
        result = await action()
    except SourceError as exc:
        _log.warning("action failed upstream; key released", extra={"operation": operation, "source": exc.source})
        await _abandon(store, who, key, operation)
        return _unavailable(f"{exc.source} could not complete the request. Please retry with the same idempotency key.")
    except OutcomeUnknown:
        _log.warning("action outcome unknown; key kept pending", extra={"operation": operation})
        return _unavailable("GENESIS did not confirm the request; retry later with the same idempotency key.")
    except GatewayError:
        await _abandon(store, who, key, operation)
        raise
    try:
        await store.finish(who, key, result.to_json())
    except StoreError:
        # The write happened: answer it. The key stays pending; once stale a retry reruns the
        # (reconciling) action instead of replaying.
        _log.warning("idempotency result not stored", extra={"operation": operation})
    return result


async def _abandon(store: IdempotencyKeys, who: str, key: str, operation: str) -> None:
    try:
        await store.abandon(who, key)
    except StoreError:
        _log.warning("idempotency key not released", extra={"operation": operation})
