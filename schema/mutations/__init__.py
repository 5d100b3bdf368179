"""Mutation fields, one module per area, merged into the root Mutation type."""

from .appointments import AppointmentMutations
from .messages import MessageMutations
from .questionnaires import QuestionnaireMutations
from .renewals import RenewalMutations

__all__ = ["AppointmentMutations", "MessageMutations", "QuestionnaireMutations", "RenewalMutations"]
