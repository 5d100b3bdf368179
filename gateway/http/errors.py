"""Every error a client sees is shaped here, once: a stable `extensions.code`, a safe message.

- graphql-core's own errors (syntax, validation, variable coercion): by the phase that made them
  (GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT); "Did you mean" hints only where configured;
- the gateway's typed errors (limits: `TooComplex`; resolvers: `GatewayError` and its codes) carry
  their code, message and extensions themselves;
- a source's failure (`SourceError`): its code (SOURCE_UNAVAILABLE, SOURCE_TIMEOUT) and `source`;
- the gateway's own database failing (`StoreError`: the health library, idempotency keys):
  SERVICE_UNAVAILABLE, the field left null, the client may try again;
- anything else is unexpected: INTERNAL_SERVER_ERROR, logged by type, path and frames only (never
  its message, which may hold PHI).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError

from resolvers.errors import GatewayError
from resolvers.ports import StoreError
from sources.errors import SourceError

from .phases import Phase

__all__ = ["INTERNAL", "format_errors"]

_log = logging.getLogger("gateway.errors")
INTERNAL = "INTERNAL_SERVER_ERROR"
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?\s*$")


def _frames(error: BaseException) -> list[str]:
    """Where it happened (file:line function), without the exception message."""
    summary = traceback.extract_tb(error.__traceback__)[-6:]
    return [f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} {frame.name}" for frame in summary]


def _code_and_message(error: GraphQLError, phase: Phase | None) -> tuple[dict[str, Any], str]:
    original = error.original_error
    extensions: dict[str, Any] = dict(error.extensions or {})
    if isinstance(original, GatewayError):
        return {**extensions, **original.extensions}, str(original)
    if isinstance(original, SourceError):
        message = f"{original.source} could not be reached; its records are left out."
        return {**extensions, "code": original.code, "source": original.source}, message
    if isinstance(original, StoreError):
        _log.warning("gateway store unavailable", extra={"operation": original.operation,
                                                         "path": [str(p) for p in error.path or ()]})
        return {**extensions, "code": original.code}, "The gateway's own store could not answer; try again."
    if original is not None and not isinstance(original, GraphQLError):
        _log.error("unexpected resolver error", extra={
            "exception": type(original).__name__,
            "path": [str(p) for p in error.path or ()],
            "frames": _frames(original),
        })
        return {"code": INTERNAL}, "Internal server error."
    if "code" in extensions:  # the gateway's own GraphQLErrors (TooComplex, source failures)
        return extensions, error.message
    if phase is Phase.VARIABLES:
        return {**extensions, "code": "BAD_USER_INPUT"}, error.message
    if phase is Phase.VALIDATE:
        return {**extensions, "code": "GRAPHQL_VALIDATION_FAILED"}, error.message
    return {**extensions, "code": INTERNAL if phase is Phase.EXECUTE else "BAD_REQUEST"}, error.message


def _format(error: GraphQLError, phase: Phase | None, suggestions: bool) -> dict[str, Any]:
    extensions, message = _code_and_message(error, phase)
    if not suggestions and phase is Phase.VALIDATE:
        message = _SUGGESTION.sub("", message)  # names of fields the caller did not ask for
    formatted: dict[str, Any] = {"message": message}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        formatted["path"] = list(error.path)
    formatted["extensions"] = extensions
    return formatted


def format_errors(
    errors: Sequence[GraphQLError], phase: Phase | None, *, suggestions: bool = False
) -> list[dict[str, Any]]:
    """Client-safe errors; "Did you mean" hints are dropped from validation errors unless `suggestions`."""
    return [_format(error, phase, suggestions) for error in errors]
