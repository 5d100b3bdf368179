"""Persisted queries: APQ hashes, trusted documents, and the stores registered documents live in."""

from .errors import (
    DocumentNotTrusted,
    HashMismatch,
    MalformedPersistedQuery,
    PersistedQueryError,
    PersistedQueryNotFound,
    UnsupportedVersion,
)
from .lookup import PersistedDocuments, Resolved
from .manifest import TrustedDocuments
from .memory import MemoryDocumentStore
from .redis_store import KEY_PREFIX, RedisDocumentStore
from .request import EXTENSION, PersistedQuery, document_hash, persisted_query
from .storable import has_string_literals, printed, why_not_storable
from .store import DocumentStore

__all__ = [
    "EXTENSION",
    "KEY_PREFIX",
    "DocumentNotTrusted",
    "DocumentStore",
    "HashMismatch",
    "MalformedPersistedQuery",
    "MemoryDocumentStore",
    "PersistedDocuments",
    "PersistedQuery",
    "PersistedQueryError",
    "PersistedQueryNotFound",
    "RedisDocumentStore",
    "Resolved",
    "TrustedDocuments",
    "UnsupportedVersion",
    "document_hash",
    "has_string_literals",
    "persisted_query",
    "printed",
    "why_not_storable",
]
