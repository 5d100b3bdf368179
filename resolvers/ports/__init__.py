"""What the resolvers need from the gateway's own database, as protocols the gateway implements."""

from .idempotency import BeginOutcome, Begun, Conflict, IdempotencyKeys, InFlight, Replay, StoreError
from .library import HealthLibrary
from .mart import CohortCounts, CohortMart, CohortMember, CohortQuery, Dimension, LabCriterion, MartFreshness, Place
from .persons import PersonVault

__all__ = [
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
