"""What the resolvers need from the gateway's own database, as protocols the gateway implements."""

from .idempotency import BeginOutcome, Begun, Conflict, IdempotencyKeys, InFlight, Replay, StoreError
from .library import HealthLibrary

__all__ = [
    "BeginOutcome",
    "Begun",
    "Conflict",
    "HealthLibrary",
    "IdempotencyKeys",
    "InFlight",
    "Replay",
    "StoreError",
]
