"""What the resolvers need from the gateway's own database, as protocols the gateway implements."""

from .idempotency import BeginOutcome, Begun, Conflict, IdempotencyKeys, InFlight, Replay, StoreError
from .library import HealthLibrary
from .persons import PersonVault

__all__ = [
    "BeginOutcome",
    "Begun",
    "Conflict",
    "HealthLibrary",
    "IdempotencyKeys",
    "InFlight",
    "PersonVault",
    "Replay",
    "StoreError",
]
