"""Which document a request runs: the text it sent, a trusted document, or a registered one."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode

from .errors import DocumentNotTrusted, HashMismatch, PersistedQueryNotFound
from .manifest import TrustedDocuments
from .request import document_hash, persisted_query
from .storable import printed, why_not_storable
from .store import DocumentStore

__all__ = ["PersistedDocuments", "Resolved"]

_log = logging.getLogger("gateway.persisted")


@dataclass(frozen=True, slots=True)
class Resolved:
    """The document to run, its SHA-256, whether to register it once it proves runnable, and whether
    the gateway knows it (a trusted document, or one run by its persisted hash)."""

    text: str
    sha256: str
    register: bool = False
    known: bool = False


def _open(stored: str | None, key: str) -> str | None:
    """The printed document in a stored value, if the value is intact."""
    if stored is None:
        return None
    digest, _, text = stored.partition(":")
    if document_hash(text) != digest:
        _log.error("persisted-query store returned a value that does not hold its document", extra={"sha256": key})
        return None
    return text


class PersistedDocuments:
    """APQ over a `DocumentStore`, with trusted documents first.

    - text only: runs (in trusted-only mode only when it is a trusted document);
    - hash and text: the hash must be the text's SHA-256; runs, then registers (never in
      trusted-only mode, never a trusted document, never one holding string literals);
    - hash only: the trusted document, else the registered one, else PersistedQueryNotFound.

    The store keeps a registered document's printed form (no comments, the client's layout gone),
    prefixed with that form's own SHA-256 so a value that was changed in the store is not run.
    """

    def __init__(
        self, store: DocumentStore, trusted: TrustedDocuments, *, trusted_only: bool = False
    ) -> None:
        self._store = store
        self._trusted = trusted
        self._trusted_only = trusted_only

    async def resolve(self, query: str | None, extensions: Mapping[str, Any]) -> Resolved | None:
        """The document to run; None when the request names none (neither text nor hash)."""
        persisted = persisted_query(extensions)
        if query is not None:
            digest = document_hash(query)
            if persisted is not None and persisted.sha256 != digest:
                raise HashMismatch()
            trusted = digest in self._trusted
            if self._trusted_only and not trusted:
                raise DocumentNotTrusted()
            return Resolved(query, digest, register=persisted is not None and not trusted, known=trusted)
        if persisted is None:
            return None
        text = self._trusted.get(persisted.sha256)
        if text is None and self._trusted_only:
            raise DocumentNotTrusted()
        if text is None:
            text = _open(await self._store.get(persisted.sha256), persisted.sha256)
        if text is None:
            raise PersistedQueryNotFound()
        return Resolved(text, persisted.sha256, known=True)

    async def register(self, resolved: Resolved, document: DocumentNode) -> bool:
        """Store a document the client sent with its hash; whether it was offered to the store."""
        if not resolved.register:
            return False
        why = why_not_storable(document)
        if why is not None:
            _log.info("persisted query not registered", extra={"sha256": resolved.sha256, "why": why})
            return False
        text = printed(document)
        await self._store.put(resolved.sha256, f"{document_hash(text)}:{text}")
        return True

    async def close(self) -> None:
        await self._store.close()
