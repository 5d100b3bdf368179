"""Errors a source adapter raises or returns; they carry context, never PHI.

SourceError
 ├── SourceUnavailable      the source refused, errored, or answered something unreadable
 │    └── UpstreamRejected  the source answered an HTTP error status (status and url known)
 ├── SourceTimeout          the source did not answer before the request's deadline
 └── DocumentTooLarge       a note's document is larger than the gateway serves
"""

from __future__ import annotations

from .records import RecordSource

__all__ = ["DocumentTooLarge", "SourceError", "SourceTimeout", "SourceUnavailable", "UpstreamRejected"]


class SourceError(Exception):
    """Base of every error a source reports; `source` says which one."""

    code = "SOURCE_UNAVAILABLE"

    def __init__(self, source: RecordSource, detail: str) -> None:
        self.source = source
        self.detail = detail
        super().__init__(f"{source}: {detail}")


class SourceUnavailable(SourceError):
    """The source could not be reached, refused, or answered garbage."""


class UpstreamRejected(SourceUnavailable):
    """The source answered an HTTP error status."""

    def __init__(self, source: RecordSource, status: int, url: str) -> None:
        self.status = status
        self.url = url.split("?", 1)[0]  # the query string can carry identifiers: never keep it
        super().__init__(source, f"HTTP {status} from {self.url}")


class SourceTimeout(SourceError):
    """The source missed the request's deadline."""

    code = "SOURCE_TIMEOUT"

    def __init__(self, source: RecordSource, detail: str = "deadline exceeded") -> None:
        super().__init__(source, detail)


class DocumentTooLarge(SourceError):
    """A note's document is over the configured cap: nothing of it is served."""

    code = "DOCUMENT_TOO_LARGE"

    def __init__(self, source: RecordSource, limit: int) -> None:
        self.limit = limit
        super().__init__(source, f"document over {limit} bytes")
