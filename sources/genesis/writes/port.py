"""`GenesisWrites`: the PatientWrites port over GENESIS, one method per patient action."""

from __future__ import annotations

import datetime as dt

from ...records import AppointmentRecord, QuestionnaireAssignmentRecord, RecordSource, RenewalRequestRecord
from ...writes import Booking, Cancellation, NewThread, RenewalAsk, Reply, Rescheduling, Sent, Submission
from . import appointments, messages, questionnaires, renewals
from .base import GenesisWriter

__all__ = ["GenesisWrites"]


class GenesisWrites:
    """Patient actions written to GENESIS through one write-scoped client."""

    def __init__(self, writer: GenesisWriter) -> None:
        self._writer = writer

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

    async def request_renewal(self, ask: RenewalAsk) -> RenewalRequestRecord:
        return await renewals.request_renewal(self._writer, ask)

    async def renewal_written_by(self, request_key: str) -> str | None:
        return await renewals.renewal_written_by(self._writer, request_key)

    async def reply(self, reply: Reply) -> Sent:
        return await messages.reply(self._writer, reply)

    async def start_thread(self, new: NewThread) -> Sent:
        return await messages.start_thread(self._writer, new)

    async def submit_response(self, submission: Submission) -> QuestionnaireAssignmentRecord:
        return await questionnaires.submit_response(self._writer, submission)
