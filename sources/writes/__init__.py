"""Patient writes as one port: the commands, the refusals, and the protocol a writable source implements."""

from .commands import (
    ANSWER_FIELD,
    AnswerValue,
    Booking,
    Cancellation,
    NewThread,
    RenewalAsk,
    Reply,
    Rescheduling,
    Sent,
    Submission,
)
from .errors import NotSupported, SlotUnavailable, WriteRefused
from .port import PatientWrites

__all__ = [
    "ANSWER_FIELD",
    "AnswerValue",
    "Booking",
    "Cancellation",
    "NewThread",
    "NotSupported",
    "PatientWrites",
    "RenewalAsk",
    "Reply",
    "Rescheduling",
    "Sent",
    "SlotUnavailable",
    "Submission",
    "WriteRefused",
]
