"""Assemble the strawberry Schema the gateway serves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from .extensions import DeIdentify, ReportSourceFailures
from .mutation import Mutation
from .query import Query
from .scalars import SCALAR_OVERRIDES
from .types import care, clinical, medications, messages, patient, topics, visits

__all__ = ["GatewaySchema", "build_schema"]

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


class GatewaySchema(strawberry.Schema):
    """strawberry's Schema without its error logging: that prints the query text (DoD IDs, names)
    and stack traces. The gateway shapes (and logs, without PHI) every error in one place instead."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(
    extensions: Sequence[type[SchemaExtension]] = (),
) -> strawberry.Schema:
    """The schema the gateway serves; `extensions` (limits, audit, ...) come from the gateway."""
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        types=_TYPES,
        extensions=[*extensions, DeIdentify, ReportSourceFailures],
        scalar_overrides=SCALAR_OVERRIDES,
    )
