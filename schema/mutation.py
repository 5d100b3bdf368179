"""The root Mutation type: patient actions, written to GENESIS only."""

from __future__ import annotations

from strawberry.tools import merge_types

from .mutations import AppointmentMutations, MessageMutations, QuestionnaireMutations, RenewalMutations

__all__ = ["Mutation"]

Mutation = merge_types("Mutation", (AppointmentMutations, RenewalMutations, MessageMutations, QuestionnaireMutations))
