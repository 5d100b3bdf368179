"""`PatientPortal`: the one interface to a patient-portal service, beside a source's FHIR API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..base import Page, Query
from ..capabilities import Feature
from ..errors import SourceError
from ..records import QuestionnaireAssignmentRecord, Record, RecordKind, RenewalRequestRecord
from ..writes import NewThread, RenewalAsk, Reply, Sent, Submission

__all__ = ["PORTAL_KINDS", "PatientPortal"]

PORTAL_KINDS = frozenset(
    {RecordKind.MESSAGE_THREAD, RecordKind.MESSAGE, RecordKind.RENEWAL_REQUEST, RecordKind.QUESTIONNAIRE_ASSIGNMENT}
)


class PatientPortal(Protocol):
    """Reads answer one page per query (a SourceError for a query that failed); writes raise
    WriteRefused (nothing written) or a SourceError (rerunning the same command is safe)."""

    async def offers(self) -> frozenset[Feature]:
        """The features the service says it offers now (its metadata); raises SourceError."""

    async def threads(self, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        """Each patient's message threads, newest message first."""

    async def messages(self, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        """The messages of one thread per query (`filters.thread_id`), if the thread is the patient's."""

    async def renewal_requests(self, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        """Each patient's prescription renewal requests, newest first."""

    async def assignments(self, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        """Each patient's questionnaire assignments (only pending ones with `filters.pending_only`)."""

    async def records(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[Record | SourceError | None]:
        """Threads, messages, renewal requests or assignments by id, aligned with `ids`."""

    async def start_thread(self, new: NewThread) -> Sent:
        """The new thread and its first message."""

    async def reply(self, reply: Reply) -> Sent:
        """The thread after the reply, and the reply."""

    async def request_renewal(self, ask: RenewalAsk) -> RenewalRequestRecord:
        """The renewal request as the portal holds it."""

    async def renewal_written_by(self, request_key: str) -> str | None:
        """The id of the renewal request an earlier attempt with `request_key` wrote, if any."""

    async def submit_answers(self, submission: Submission) -> QuestionnaireAssignmentRecord:
        """The completed assignment."""
