"""`GenesisPortal`: the PatientPortal port over MHS GENESIS's patient-portal service."""

from __future__ import annotations

from collections.abc import Sequence

import aiohttp

from ...base import Page, Query
from ...calls.observe import UpstreamObserver
from ...capabilities import Feature
from ...errors import SourceError, SourceUnavailable
from ...records import QuestionnaireAssignmentRecord, Record, RecordKind, RenewalRequestRecord
from ...writes import NewThread, RenewalAsk, Reply, Sent, Submission
from ..name import GENESIS
from . import reads, writes
from .client import PortalClient
from .config import PortalConfig

__all__ = ["GenesisPortal"]

_FEATURES = {f.value: f for f in Feature}


class GenesisPortal:
    """Reads and writes of the portal through one client (its own token, with the portal's scopes)."""

    def __init__(self, config: PortalConfig, session: aiohttp.ClientSession, observer: UpstreamObserver) -> None:
        self.client = PortalClient(config, session, observer)

    async def offers(self) -> frozenset[Feature]:
        body = await self.client.metadata()
        listed = body.get("features")
        if not isinstance(listed, list):
            raise SourceUnavailable(GENESIS, "unreadable answer (portal metadata)")
        names = {str(f.get("name")) for f in listed if isinstance(f, dict)}
        return frozenset(_FEATURES[n] for n in names if n in _FEATURES)

    async def threads(self, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        return await reads.read_threads(self.client, queries)

    async def messages(self, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        return await reads.read_messages(self.client, queries)

    async def renewal_requests(self, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        return await reads.read_renewals(self.client, queries)

    async def assignments(self, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        return await reads.read_assignments(self.client, queries)

    async def records(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[Record | SourceError | None]:
        return await reads.read_records(self.client, kind, ids)

    async def start_thread(self, new: NewThread) -> Sent:
        return await writes.start_thread(self.client, new)

    async def reply(self, reply: Reply) -> Sent:
        return await writes.reply(self.client, reply)

    async def request_renewal(self, ask: RenewalAsk) -> RenewalRequestRecord:
        return await writes.request_renewal(self.client, ask)

    async def renewal_written_by(self, request_key: str) -> str | None:
        return await writes.renewal_written_by(self.client, request_key)

    async def submit_answers(self, submission: Submission) -> QuestionnaireAssignmentRecord:
        return await writes.submit_answers(self.client, submission)
