"""What can go wrong in a bulk export; every error is a SourceError and names no identifier."""

from __future__ import annotations

import json

from ...errors import SourceTimeout, SourceUnavailable, UpstreamRejected
from ...export import ExportLost
from ...records import RecordSource

__all__ = [
    "ExportFailed",
    "ExportGone",
    "ExportNotReady",
    "ExportRefused",
    "ExportThrottled",
    "FileUnreadable",
    "ManifestUnreadable",
    "issue_code",
]


class ExportRefused(UpstreamRejected):
    """The server refused the kick-off (bad parameter, missing scope, unknown group, ...);
    `issue_code` is the OperationOutcome's first issue code when it sent one."""

    code = "BULK_EXPORT_REFUSED"

    def __init__(self, source: RecordSource, status: int, url: str, issue_code: str | None) -> None:
        self.issue_code = issue_code
        super().__init__(source, status, url)


class ExportThrottled(ExportRefused):
    """429 at kick-off: this client already has an export running (Millennium allows one)."""

    def __init__(self, source: RecordSource, url: str, issue_code: str | None, wait: float | None) -> None:
        self.retry_after = wait
        super().__init__(source, 429, url, issue_code)


class ExportGone(UpstreamRejected, ExportLost):
    """The status URL or a file answered 404: the export was deleted or has expired; kick off anew."""

    code = "BULK_EXPORT_GONE"


class ExportFailed(SourceUnavailable):
    """The status endpoint reports that the export job itself failed."""

    code = "BULK_EXPORT_FAILED"

    def __init__(self, source: RecordSource, status: int, issue_code: str | None) -> None:
        self.status = status
        self.issue_code = issue_code
        super().__init__(source, f"export failed: HTTP {status} ({issue_code or 'no OperationOutcome'})")


class ExportNotReady(SourceTimeout):
    """The export was still running when the poll policy's wait ran out; the state still resumes."""

    code = "BULK_EXPORT_NOT_READY"


class ManifestUnreadable(SourceUnavailable):
    """The completion manifest (or the kick-off answer) is not what the IG describes."""


class FileUnreadable(SourceUnavailable):
    """An NDJSON file has a line that is not a resource of its type, or fewer lines than promised."""


def issue_code(body: bytes) -> str | None:
    """The first issue code of an OperationOutcome body, if it is one."""
    try:
        outcome = json.loads(body) if body else None
    except ValueError:
        return None
    if not isinstance(outcome, dict) or outcome.get("resourceType") != "OperationOutcome":
        return None
    issues = outcome.get("issue") or [{}]
    code = issues[0].get("code") if isinstance(issues[0], dict) else None
    return code if isinstance(code, str) else None
