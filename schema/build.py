"""Assemble the strawberry Schema the gateway serves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension

from .extensions import DeIdentify, MaskUnexpectedErrors, ReportSourceFailures
from .mutation import Mutation
from .query import Query
from .types import care, clinical, medications, messages, patient, topics, visits

__all__ = ["build_schema"]

_TYPES: list[Any] = [
    care.CareTeam,
    care.Facility,
    care.Practitioner,
    care.Slot,
    clinical.ClinicalNote,
    clinical.Condition,
    clinical.LabResult,
    medications.Prescription,
    medications.RenewalRequest,
    messages.MessageThread,
    messages.SecureMessage,
    patient.Patient,
    topics.HealthTopic,
    visits.Appointment,
    visits.Questionnaire,
    visits.QuestionnaireAssignment,
]


def build_schema(
    extensions: Sequence[type[SchemaExtension]] = (),
) -> strawberry.Schema:
    """The schema the gateway serves; `extensions` (limits, audit, ...) come from the gateway."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=_TYPES,
        extensions=[*extensions, DeIdentify, ReportSourceFailures, MaskUnexpectedErrors],
    )
