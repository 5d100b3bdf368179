"""Patient actions: one pipeline (guards, idempotency, audit, typed answer) and the six actions."""

from .appointments import BOOK, CANCEL, RESCHEDULE, Changed, ChangeInput
from .idempotency import OutcomeUnknown, principal_key, request_key, run_idempotent
from .messages import MESSAGE, MessageInput
from .pipeline import Answer, Refused, WriteAction, WriteCall, perform
from .questionnaires import QUESTIONNAIRE, Completed, SubmissionInput
from .renewals import RENEWAL, RenewalInput, Renewed
from .results import ActionResult, UserErrorRecord
from .validation import AnswerInput

__all__ = [
    "BOOK",
    "CANCEL",
    "MESSAGE",
    "QUESTIONNAIRE",
    "RENEWAL",
    "RESCHEDULE",
    "ActionResult",
    "Answer",
    "AnswerInput",
    "ChangeInput",
    "Changed",
    "Completed",
    "MessageInput",
    "OutcomeUnknown",
    "Refused",
    "RenewalInput",
    "Renewed",
    "SubmissionInput",
    "UserErrorRecord",
    "WriteAction",
    "WriteCall",
    "perform",
    "principal_key",
    "request_key",
    "run_idempotent",
]
