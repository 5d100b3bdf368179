"""`MemoryDocumentStore`: one process's registered documents, least recently used dropped first."""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["MemoryDocumentStore"]


class MemoryDocumentStore:
    """Bounded by entries and by total characters; used when no Redis is configured."""

    def __init__(self, *, max_entries: int, max_chars: int = 16_000_000) -> None:
        if max_entries < 1 or max_chars < 1:
            raise ValueError("a document store holds at least one document")
        self._max_entries = max_entries
        self._max_chars = max_chars
        self._chars = 0
        self._documents: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    async def get(self, sha256: str) -> str | None:
        text = self._documents.get(sha256)
        if text is not None:
            self._documents.move_to_end(sha256)
        return text

    async def put(self, sha256: str, text: str) -> None:
        if len(text) > self._max_chars:
            return
        previous = self._documents.pop(sha256, None)
        if previous is not None:
            self._chars -= len(previous)
        self._documents[sha256] = text
        self._chars += len(text)
        while len(self._documents) > self._max_entries or self._chars > self._max_chars:
            _, dropped = self._documents.popitem(last=False)
            self._chars -= len(dropped)

    async def close(self) -> None:
        self._documents.clear()
        self._chars = 0
