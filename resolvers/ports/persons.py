"""The identity vault as the resolvers see it: which DoD ID a person key stands for.

The vault (the gateway's own database) is the only place where a person key and a DoD ID meet;
the export job fills it, the mart never holds a DoD ID, and analysts never see either.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["PersonVault"]


class PersonVault(Protocol):
    """Looks persons up; raises StoreError when the store fails."""

    async def dod_id_of(self, person_key: str) -> str | None:
        """The DoD ID behind `person_key`, or None when the vault has no such person."""
