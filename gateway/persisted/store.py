"""`DocumentStore`: where registered documents live, by hash (memory per process, or Redis)."""

from __future__ import annotations

from typing import Protocol

__all__ = ["DocumentStore"]


class DocumentStore(Protocol):
    """Query texts by SHA-256, shared by every user: documents only, never variables.

    A store never raises for its own failures: `get` answers None (the client then resends the
    text) and `put` gives up; both log why, without the document.
    """

    async def get(self, sha256: str) -> str | None: ...

    async def put(self, sha256: str, text: str) -> None: ...

    async def close(self) -> None: ...
