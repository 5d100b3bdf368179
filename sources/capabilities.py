"""What the upstreams can do now: the features patients use, and the record kinds each source serves.

A source that can tell (`Discoverable`: GENESIS, from its FHIR CapabilityStatement and its patient
portal's metadata) says what it offers; the gateway asks at startup and on a timer, turns off what
is missing, and tells clients (`Query.capabilities`). See docs/portal.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from .records import RecordKind, RecordSource

__all__ = ["FEATURE_KINDS", "Discoverable", "Feature", "Offer"]


class Feature(StrEnum):
    """Something a patient does (or reads) that an upstream may or may not offer."""

    READ_MESSAGES = "messages.read"
    SEND_MESSAGE = "messages.send"
    REPLY_TO_MESSAGE = "messages.reply"
    READ_RENEWAL_REQUESTS = "renewals.read"
    REQUEST_RENEWAL = "renewals.request"
    READ_QUESTIONNAIRE_ASSIGNMENTS = "questionnaires.read"
    ANSWER_QUESTIONNAIRE = "questionnaires.answer"
    BOOK_APPOINTMENT = "appointments.book"
    CANCEL_APPOINTMENT = "appointments.cancel"
    RESCHEDULE_APPOINTMENT = "appointments.reschedule"


# The record kinds a read feature serves: off with the feature.
FEATURE_KINDS: Mapping[Feature, frozenset[RecordKind]] = {
    Feature.READ_MESSAGES: frozenset({RecordKind.MESSAGE_THREAD, RecordKind.MESSAGE}),
    Feature.READ_RENEWAL_REQUESTS: frozenset({RecordKind.RENEWAL_REQUEST}),
    Feature.READ_QUESTIONNAIRE_ASSIGNMENTS: frozenset({RecordKind.QUESTIONNAIRE_ASSIGNMENT}),
}


@dataclass(frozen=True, slots=True)
class Offer:
    """What one source offers: each feature it knows of (None: available, else why not), and the
    record kinds it provides but cannot serve now, with why."""

    source: RecordSource
    features: Mapping[Feature, str | None] = field(default_factory=dict)
    missing_kinds: Mapping[RecordKind, str] = field(default_factory=dict)

    def serves(self, kind: RecordKind) -> bool:
        return kind not in self.missing_kinds

    def without(self, reason: str) -> Offer:
        """Nothing this offer knows of is available, for `reason` (e.g. the service is not configured)."""
        return Offer(self.source, dict.fromkeys(self.features, reason), self.missing_kinds)


@runtime_checkable
class Discoverable(Protocol):
    """A source that can say what it offers."""

    def declared(self) -> Offer:
        """What its configuration alone says (no upstream asked): the state before discovery."""

    async def discover(self) -> Offer:
        """What the upstream says it offers now; raises SourceError when it cannot be asked."""
