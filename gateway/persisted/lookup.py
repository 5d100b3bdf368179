"""Which document a request runs: the text it sent, a trusted document, or a registered one."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode

from .errors import DocumentNotTrusted, HashMismatch, PersistedQueryNotFound
from .literals import has_string_literals
from .manifest import TrustedDocuments
from .request import document_hash, persisted_query
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


class PersistedDocuments:
    """APQ over a `DocumentStore`, with trusted documents first.

    - text only: runs (in trusted-only mode only when it is a trusted document);
    - hash and text: the hash must be the text's SHA-256; runs, then registers (never in
      trusted-only mode, never a trusted document, never one holding string literals);
    - hash only: the trusted document, else the registered one, else PersistedQueryNotFound.
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
            text = await self._store.get(persisted.sha256)
            if text is not None and document_hash(text) != persisted.sha256:
                _log.error("persisted-query store returned a document that does not match its key",
                           extra={"sha256": persisted.sha256})
                text = None
        if text is None:
            raise PersistedQueryNotFound()
        return Resolved(text, persisted.sha256, known=True)

    async def register(self, resolved: Resolved, document: DocumentNode) -> bool:
        """Store a document the client sent with its hash; whether it was offered to the store."""
        if not resolved.register:
            return False
        if has_string_literals(document):
            _log.info("persisted query not registered: it holds string literals",
                      extra={"sha256": resolved.sha256})
            return False
        await self._store.put(resolved.sha256, resolved.text)
        return True

    async def close(self) -> None:
        await self._store.close()
