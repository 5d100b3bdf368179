"""The bulk endpoints' own error answers (406, 429), beside the FHIR errors every endpoint raises."""

from __future__ import annotations

from ..outcome import FhirError

__all__ = ["InvalidFilter", "NotAcceptable", "TooManyRequests"]


class NotAcceptable(FhirError):
    """The `Accept` header names no media type the endpoint answers with."""

    status = 406
    issue_code = "invalid"


class TooManyRequests(FhirError):
    """The client already has an export running (Millennium allows one at a time)."""

    status = 429
    issue_code = "throttled"


class InvalidFilter(FhirError):
    """A `_typeFilter` query the server cannot run (Millennium answers 422 `invalid`)."""

    status = 422
    issue_code = "invalid"
