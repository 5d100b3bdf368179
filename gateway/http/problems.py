"""Error responses in GraphQL shape: `{"errors": [{"message", "extensions": {"code", ...}}]}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

__all__ = ["HttpProblem", "error_body", "problem_response"]


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
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.extensions = dict(extensions or {})
        super().__init__(f"{status} {code}: {message}")


def error_body(code: str, message: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def problem_response(problem: HttpProblem, media_type: str = "application/json") -> JSONResponse:
    return JSONResponse(
        error_body(problem.code, problem.message, **problem.extensions),
        status_code=problem.status,
        headers=problem.headers,
        media_type=media_type,
    )
