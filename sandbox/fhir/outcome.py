"""OperationOutcome bodies and the error classes every FHIR interaction raises."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "BadRequest",
    "Conflict",
    "FhirError",
    "Forbidden",
    "MethodNotAllowed",
    "NotFound",
    "PreconditionFailed",
    "Unauthorized",
    "Unprocessable",
    "operation_outcome",
]


def operation_outcome(code: str, diagnostics: str, severity: str = "error") -> dict[str, Any]:
    """One-issue OperationOutcome; `code` is an IssueType (invalid, not-found, security, ...)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


class FhirError(Exception):
    """A FHIR interaction failed; the server answers `status` with an OperationOutcome."""

    status = 500
    issue_code = "exception"

    def __init__(self, diagnostics: str, *, headers: Mapping[str, str] | None = None) -> None:
        self.diagnostics = diagnostics
        self.headers: dict[str, str] = dict(headers or {})
        super().__init__(f"HTTP {self.status} {self.issue_code}: {diagnostics}")

    def outcome(self) -> dict[str, Any]:
        """The OperationOutcome resource describing this error."""
        return operation_outcome(self.issue_code, self.diagnostics)


class BadRequest(FhirError):
    """The request is malformed: bad JSON, unknown search parameter, bad value."""

    status = 400
    issue_code = "invalid"


class Unauthorized(FhirError):
    """No bearer token, or one this server did not issue or that has expired."""

    status = 401
    issue_code = "login"

    def __init__(self, diagnostics: str) -> None:
        super().__init__(diagnostics, headers={"WWW-Authenticate": 'Bearer realm="fhir"'})


class Forbidden(FhirError):
    """The token's scopes do not allow this interaction."""

    status = 403
    issue_code = "forbidden"


class NotFound(FhirError):
    """No such resource, resource type or endpoint."""

    status = 404
    issue_code = "not-found"


class MethodNotAllowed(FhirError):
    """The interaction is not supported here (e.g. writes on a read-only server)."""

    status = 405
    issue_code = "not-supported"


class Conflict(FhirError):
    """The write conflicts with the current state."""

    status = 409
    issue_code = "conflict"


class PreconditionFailed(FhirError):
    """`If-Match` named a version that moved, or `If-None-Exist` matched several resources."""

    status = 412
    issue_code = "conflict"


class Unprocessable(FhirError):
    """Well-formed JSON that is not an acceptable resource."""

    status = 422
    issue_code = "processing"
