"""`PatientWrites`: the one interface through which patient actions reach the source that takes them."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from ..records import AppointmentRecord, QuestionnaireAssignmentRecord, RecordSource, RenewalRequestRecord
from .commands import Booking, Cancellation, NewThread, RenewalAsk, Reply, Rescheduling, Sent, Submission

__all__ = ["PatientWrites"]


class PatientWrites(Protocol):
    """Writes of one source. Each method raises WriteRefused (a business rule said no, nothing was
    written) or a SourceError (the source failed; rerunning the same command is safe)."""

    @property
    def source(self) -> RecordSource:
        """The source these writes go to (its records are the ones a patient may change)."""

    def now(self) -> dt.datetime:
        """The time writes are stamped with."""

    async def book(self, booking: Booking) -> AppointmentRecord:
        """The booked appointment (the one an earlier attempt with the same key made, if any)."""

    async def cancel(self, cancellation: Cancellation) -> AppointmentRecord:
        """The cancelled appointment."""

    async def reschedule(self, rescheduling: Rescheduling) -> AppointmentRecord:
        """The appointment in its new slot."""

    async def request_renewal(self, ask: RenewalAsk) -> RenewalRequestRecord:
        """The renewal request as the source holds it."""

    async def renewal_written_by(self, request_key: str) -> str | None:
        """The id of the renewal request an earlier attempt with `request_key` wrote, if any."""

    async def reply(self, reply: Reply) -> Sent:
        """The thread after the reply, and the reply."""

    async def start_thread(self, new: NewThread) -> Sent:
        """The new thread and its first message."""

    async def submit_response(self, submission: Submission) -> QuestionnaireAssignmentRecord:
        """The completed assignment."""
