"""Export jobs: a snapshot written out as NDJSON files step by step in the background."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ..outcome import operation_outcome
from .errors import TooManyRequests
from .kickoff import ExportRequest
from .profile import BulkProfile

__all__ = ["ExportFile", "Job", "JobBoard"]

Resource = dict[str, Any]
State = Literal["running", "complete"]


@dataclass(frozen=True)
class ExportFile:
    """One NDJSON file: the type of every line in it, the bytes, and how many lines."""

    id: str
    type: str
    body: bytes
    count: int


@dataclass
class Job:
    """One export: who asked, what, as of when, and the files written so far."""

    id: str
    client_id: str
    request_url: str
    transaction_time: str
    request: ExportRequest
    chunks: list[tuple[str, list[Resource]]]
    state: State = "running"
    output: list[ExportFile] = field(default_factory=list)
    error: list[ExportFile] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    @property
    def progress(self) -> str:
        """The `X-Progress` text: files written of files planned."""
        total = max(1, len(self.chunks))
        return f"in-progress: {len(self.output)} of {total} files written ({100 * len(self.output) // total}%)"

    def files(self) -> Iterator[ExportFile]:
        yield from self.output
        yield from self.error


def _ndjson(resources: list[Resource]) -> bytes:
    return b"".join(json.dumps(r, separators=(",", ":")).encode() + b"\n" for r in resources)


class JobBoard:
    """The jobs of one server, by id; each runs as a task that writes one file per step."""

    def __init__(self, profile: BulkProfile) -> None:
        self.profile = profile
        self._jobs: dict[str, Job] = {}
        self._files: dict[str, tuple[str, ExportFile]] = {}

    def start(
        self,
        client_id: str,
        request_url: str,
        transaction_time: str,
        request: ExportRequest,
        selection: dict[str, list[Resource]],
    ) -> Job:
        """Plan the files of `selection` and start writing them; TooManyRequests when the
        profile allows one running export per client and this client has one."""
        if self.profile.one_job_per_client and any(
            j.client_id == client_id and j.state == "running" for j in self._jobs.values()
        ):
            raise TooManyRequests(
                "an export for this client is already in progress",
                headers={"Retry-After": str(self.profile.retry_after)},
            )
        size = self.profile.file_lines
        chunks = [(t, items[i : i + size]) for t, items in selection.items() for i in range(0, len(items), size)]
        job = Job(str(uuid.uuid4()), client_id, request_url, transaction_time, request, chunks)
        self._jobs[job.id] = job
        job.task = asyncio.get_running_loop().create_task(self._run(job), name=f"bulk-export-{job.id}")
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def file(self, file_id: str) -> tuple[Job, ExportFile] | None:
        """A written file and its job, while the job exists."""
        found = self._files.get(file_id)
        if found is None or found[0] not in self._jobs:
            return None
        return self._jobs[found[0]], found[1]

    async def delete(self, job_id: str) -> bool:
        """Cancel (if running) and forget a job and its files; False if it was not known."""
        job = self._jobs.pop(job_id, None)
        if job is None:
            return False
        for item in job.files():
            self._files.pop(item.id, None)
        if job.task is not None and not job.task.done():
            job.task.cancel()
            await asyncio.gather(job.task, return_exceptions=True)
        return True

    async def close(self) -> None:
        """Cancel every job (server shutdown)."""
        for job_id in list(self._jobs):
            await self.delete(job_id)

    async def _run(self, job: Job) -> None:
        for rtype, resources in job.chunks or [("", [])]:
            await asyncio.sleep(self.profile.step_seconds)
            if resources:
                self._add(job, job.output, ExportFile(str(uuid.uuid4()), rtype, _ndjson(resources), len(resources)))
        if job.request.ignored:
            notes = [operation_outcome("not-supported", note, "warning") for note in job.request.ignored]
            self._add(job, job.error, ExportFile(str(uuid.uuid4()), "OperationOutcome", _ndjson(notes), len(notes)))
        job.state = "complete"

    def _add(self, job: Job, into: list[ExportFile], item: ExportFile) -> None:
        into.append(item)
        self._files[item.id] = (job.id, item)
