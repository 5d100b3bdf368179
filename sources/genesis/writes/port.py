"""`GenesisWrites`: the PatientWrites port over GENESIS: appointments by its FHIR API, the rest by
its patient portal (refused as NOT_SUPPORTED when no portal service is configured)."""

from __future__ import annotations

import datetime as dt

from ...portal import PatientPortal
from ...records import AppointmentRecord, QuestionnaireAssignmentRecord, RecordSource, RenewalRequestRecord
from ...writes import Booking, Cancellation, NewThread, NotSupported, RenewalAsk, Reply, Rescheduling, Sent, Submission
from . import appointments
from .base import GenesisWriter

__all__ = ["GenesisWrites"]


class GenesisWrites:
    """Patient actions written to GENESIS: one write-scoped FHIR client, and the portal."""

    def __init__(self, writer: GenesisWriter, portal: PatientPortal | None = None) -> None:
        self._writer = writer
        self._portal = portal

    @property
    def source(self) -> RecordSource:
        return self._writer.source

    def now(self) -> dt.datetime:
        return self._writer.now()

    async def book(self, booking: Booking) -> AppointmentRecord:
        return await appointments.book(self._writer, booking)

    async def cancel(self, cancellation: Cancellation) -> AppointmentRecord:
        return await appointments.cancel(self._writer, cancellation)

    async def reschedule(self, rescheduling: Rescheduling) -> AppointmentRecord:
        return await appointments.reschedule(self._writer, rescheduling)

    def _through_portal(self, target: str) -> PatientPortal:
        if self._portal is None:
            raise NotSupported(target, "no patient portal service is configured")
        return self._portal

    async def request_renewal(self, ask: RenewalAsk) -> RenewalRequestRecord:
        return await self._through_portal("prescription").request_renewal(ask)

    async def renewal_written_by(self, request_key: str) -> str | None:
        return await self._through_portal("prescription").renewal_written_by(request_key)

    async def reply(self, reply: Reply) -> Sent:
        return await self._through_portal("thread").reply(reply)

    async def start_thread(self, new: NewThread) -> Sent:
        return await self._through_portal("careTeam").start_thread(new)

    async def submit_response(self, submission: Submission) -> QuestionnaireAssignmentRecord:
        return await self._through_portal("assignment").submit_answers(submission)
