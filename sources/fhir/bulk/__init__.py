"""A FHIR Bulk Data export client: kick off, poll, stream the NDJSON files, cancel; resumable.

`BulkExportClient` drives the asynchronous request pattern of the HL7 Bulk Data Access IG
(`Group/[id]/$export`, `Patient/$export`) with a SMART backend-services token. Everything it
learns is kept in an `ExportState` that serialises to JSON (`to_json` / `from_json`): a job
killed halfway starts again from its last saved state, polling the same status URL and
downloading only the files it had not finished.

Modules: `client` (kick-off, status, cancel, the whole job), `files` (streaming and saving the
NDJSON files), `manifest` (what the client knows), `polling`, `access` (token and origin), `errors`.
"""

from .client import BulkExportClient
from .errors import (
    ExportFailed,
    ExportGone,
    ExportNotReady,
    ExportRefused,
    ExportThrottled,
    FileUnreadable,
    ManifestUnreadable,
)
from .manifest import ExportState, Manifest, OutputFile, Pending
from .polling import PollPolicy

__all__ = [
    "BulkExportClient",
    "ExportFailed",
    "ExportGone",
    "ExportNotReady",
    "ExportRefused",
    "ExportState",
    "ExportThrottled",
    "FileUnreadable",
    "Manifest",
    "ManifestUnreadable",
    "OutputFile",
    "Pending",
    "PollPolicy",
]
