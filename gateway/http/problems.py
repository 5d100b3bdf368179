"""Error responses in GraphQL shape: `{"errors": [{"message", "extensions": {"code", ...}}]}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .responses import JSON

__all__ = ["LEGACY_JSON", "HttpProblem", "error_body", "problem_response", "request_error_status"]

LEGACY_JSON = "application/json"


def request_error_status(media_type: str) -> int:
    """The status of a GraphQL request error (parse, validation, variable coercion) in a well-formed
    HTTP request: 200 to a client that accepts only `application/json` (GraphQL over HTTP says it
    SHOULD, for clients that predate the spec), 400 with `application/graphql-response+json`."""
    return 200 if media_type == LEGACY_JSON else 400


class HttpProblem(Exception):
    """A request refused before execution: HTTP status, GraphQL error code, client message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
        graphql_error: bool = False,
    ) -> None:
        self.status = status
        self.graphql_error = graphql_error  # a GraphQL request error: see request_error_status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.extensions = dict(extensions or {})
        super().__init__(f"{status} {code}: {message}")


def error_body(code: str, message: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def problem_response(problem: HttpProblem, media_type: str = "application/json") -> JSON:
    return JSON(
        error_body(problem.code, problem.message, **problem.extensions),
        status_code=request_error_status(media_type) if problem.graphql_error else problem.status,
        headers=problem.headers,
        media_type=media_type,
    )
