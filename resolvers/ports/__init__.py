"""What the resolvers need from the gateway's own database, as protocols the gateway implements."""

from .idempotency import BeginOutcome, Begun, Conflict, IdempotencyKeys, InFlight, Replay, StoreError
from .library import HealthLibrary
from .mart import CohortCounts, CohortMart, CohortMember, CohortQuery, Dimension, LabCriterion, MartFreshness, Place
from .persons import PersonVault
from .quotas import ActionQuotas

__all__ = [
    "ActionQuotas",
    "BeginOutcome",
    "Begun",
    "CohortCounts",
    "CohortMart",
    "CohortMember",
    "CohortQuery",
    "Conflict",
    "Dimension",
    "HealthLibrary",
    "IdempotencyKeys",
    "InFlight",
    "LabCriterion",
    "MartFreshness",
    "PersonVault",
    "Place",
    "Replay",
    "StoreError",
]
