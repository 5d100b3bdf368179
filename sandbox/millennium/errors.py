"""Millennium-shaped error answers: an OperationOutcome whose issue carries `details.text`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.fhir.outcome import FhirError

__all__ = [
    "Conflict",
    "Invalid",
    "Locked",
    "MillenniumError",
    "NotAcceptable",
    "NotSupported",
    "PreconditionRequired",
    "Unknown",
    "Unprocessable",
    "reshaped",
]


class MillenniumError(FhirError):
    """An error answered as Millennium does: `issue[0].details.text` (and `diagnostics`);
    `code` overrides the class's issue code (e.g. 422 `extension` for modifier extensions)."""

    def __init__(self, diagnostics: str, *, code: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(diagnostics, headers=headers)
        if code is not None:
            self.issue_code = code

    def outcome(self) -> dict[str, Any]:
        issue = {"severity": "error", "code": self.issue_code, "details": {"text": self.diagnostics},
                 "diagnostics": self.diagnostics}  # fmt: skip
        return {"resourceType": "OperationOutcome", "issue": [issue]}


class Invalid(MillenniumError):
    """400: a parameter is unknown, repeated, multi-valued, malformed, or a required one is missing."""

    status = 400
    issue_code = "invalid"


class Unknown(MillenniumError):
    """404: no such resource, or a resource type Millennium does not offer."""

    status = 404
    issue_code = "not-found"


class NotSupported(MillenniumError):
    """405: the interaction (batch, PUT where only PATCH exists, ...) is not offered."""

    status = 405
    issue_code = "not-supported"


class NotAcceptable(MillenniumError):
    """406: the `Accept` header asks for something other than JSON."""

    status = 406
    issue_code = "not-supported"


class Conflict(MillenniumError):
    """409: `If-Match` names a version that is not the current one, or the slot is taken."""

    status = 409
    issue_code = "conflict"


class PreconditionRequired(MillenniumError):
    """412: an update or patch came without `If-Match`."""

    status = 412
    issue_code = "conflict"


class Unprocessable(MillenniumError):
    """422: well-formed JSON that breaks a business rule."""

    status = 422
    issue_code = "business-rule"


class Locked(MillenniumError):
    """423: the resource is being modified by another request."""

    status = 423
    issue_code = "lock-error"


def reshaped(exc: FhirError) -> MillenniumError:
    """A generic sandbox error as the Millennium-shaped error of the same status."""
    if isinstance(exc, MillenniumError):
        return exc
    out = MillenniumError(exc.diagnostics, headers=exc.headers)
    out.status, out.issue_code = exc.status, exc.issue_code
    return out
