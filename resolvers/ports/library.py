"""The health library as the resolvers see it: provider-approved topics by words, codes or id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sources.records import Coding, HealthTopicRecord

__all__ = ["HealthLibrary"]


class HealthLibrary(Protocol):
    """Topics; every method raises StoreError when the store fails."""

    async def search(self, text: str | None, system: str | None, code: str | None) -> list[HealthTopicRecord]:
        """Topics matching free text and/or one coded concept, best first."""

    async def for_codes(self, codes: Sequence[Sequence[Coding]]) -> list[list[HealthTopicRecord]]:
        """For each list of codings, the topics that explain any of them (aligned)."""

    async def get(self, ids: Sequence[str]) -> list[HealthTopicRecord | None]:
        """Topics by id, aligned with `ids`."""
