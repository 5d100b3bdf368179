"""Replace unexpected errors with a generic one: no stack traces or upstream bodies reach clients."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

__all__ = ["MaskUnexpectedErrors"]

log = logging.getLogger("mhs.gateway.errors")


def _expected(error: GraphQLError) -> bool:
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        return True  # parse, validation and variable errors made by graphql-core itself
    extensions = getattr(error.original_error, "extensions", None)
    return isinstance(extensions, dict) and "code" in extensions


class MaskUnexpectedErrors(SchemaExtension):
    """Errors that carry an `extensions.code` pass; anything else becomes INTERNAL_SERVER_ERROR."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        masked: list[GraphQLError] = []
        for error in result.errors:
            if _expected(error):
                if error.original_error is None and not (error.extensions or {}).get("code"):
                    error.extensions = {**(error.extensions or {}), "code": _default_code(error)}
                masked.append(error)
                continue
            original = error.original_error
            log.error(
                "unexpected error",
                extra={"error_type": type(original).__name__, "path": error.path},
            )
            masked.append(
                GraphQLError(
                    "Something went wrong on our side.",
                    path=error.path,
                    extensions={"code": "INTERNAL_SERVER_ERROR"},
                )
            )
        result.errors = masked


def _default_code(error: GraphQLError) -> str:
    return "GRAPHQL_VALIDATION_FAILED" if error.locations else "BAD_USER_INPUT"
