"""GraphQL errors → client-safe dicts: every error gets `extensions.code`; unexpected exceptions
are masked and logged by type and request id only (never their message, which may hold PHI)."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError

from gateway.limits import is_limit_message
from sources.errors import SourceError

from .phases import Phase

__all__ = ["format_errors"]

_log = logging.getLogger("gateway.errors")
_PHASE_CODES = {
    Phase.VALIDATE: "GRAPHQL_VALIDATION_FAILED",
    Phase.VARIABLES: "BAD_USER_INPUT",
}
INTERNAL = "INTERNAL_SERVER_ERROR"
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?\s*$")


def _frames(error: BaseException) -> list[str]:
    """Where it happened (file:line function), without the exception message."""
    summary = traceback.extract_tb(error.__traceback__)[-6:]
    return [f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} {frame.name}" for frame in summary]


def _format(error: GraphQLError, phase: Phase | None, suggestions: bool) -> dict[str, Any]:
    extensions: dict[str, Any] = dict(error.extensions or {})
    message = error.message
    if not suggestions and phase is Phase.VALIDATE:
        message = _SUGGESTION.sub("", message)  # names of fields the caller did not ask for
    original = error.original_error
    if phase is Phase.VARIABLES:
        extensions["code"] = "BAD_USER_INPUT"
    elif phase is Phase.VALIDATE and is_limit_message(message):
        extensions["code"] = "QUERY_TOO_COMPLEX"
    if "code" not in extensions:
        if phase in _PHASE_CODES:
            extensions["code"] = _PHASE_CODES[phase]
        elif isinstance(original, SourceError):
            extensions.update(code=original.code, source=original.source)
            message = f"{original.source} could not be reached; its records are left out."
        elif original is not None and not isinstance(original, GraphQLError):
            _log.error(
                "unexpected resolver error",
                extra={
                    "exception": type(original).__name__,
                    "path": [str(p) for p in error.path or ()],
                    "frames": _frames(original),
                },
            )
            extensions["code"] = INTERNAL
            message = "Internal server error."
        else:
            extensions["code"] = INTERNAL if phase is Phase.EXECUTE else "BAD_REQUEST"
    formatted: dict[str, Any] = {"message": message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path:
        formatted["path"] = list(error.path)
    formatted["extensions"] = extensions
    return formatted


def format_errors(
    errors: Sequence[GraphQLError], phase: Phase | None, *, suggestions: bool = False
) -> list[dict[str, Any]]:
    """Client-safe errors; "Did you mean" hints are dropped from validation errors unless
    `suggestions`."""
    return [_format(error, phase, suggestions) for error in errors]
