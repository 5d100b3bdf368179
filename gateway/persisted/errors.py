"""Why a persisted-query request cannot run: each error carries its HTTP status, code and message."""

from __future__ import annotations

__all__ = [
    "DocumentNotTrusted",
    "HashMismatch",
    "MalformedPersistedQuery",
    "PersistedQueryError",
    "PersistedQueryNotFound",
    "UnsupportedVersion",
]


class PersistedQueryError(Exception):
    """The base: `status` (HTTP), `code` (`extensions.code`) and a client-safe `message`.

    PersistedQueryError
    ├── PersistedQueryNotFound   200: the client resends the query text (Apollo APQ)
    ├── MalformedPersistedQuery  400: `extensions.persistedQuery` is not an object with a hash
    ├── UnsupportedVersion       400: a protocol version other than 1
    ├── HashMismatch             400: the hash is not the SHA-256 of the query sent with it
    └── DocumentNotTrusted       400: trusted-only mode and the document is not in the manifest
    """

    status = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(f"{self.code}: {message}")


class PersistedQueryNotFound(PersistedQueryError):
    """No document for this hash: the client is expected to send it again with the query text."""

    status = 200  # what APQ clients expect; they retry with the full query
    code = "PERSISTED_QUERY_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("PersistedQueryNotFound")


class MalformedPersistedQuery(PersistedQueryError):
    code = "BAD_REQUEST"


class UnsupportedVersion(PersistedQueryError):
    code = "BAD_REQUEST"

    def __init__(self, version: object) -> None:
        self.version = version
        super().__init__(f"Unsupported persisted query version {version!r}; only version 1 is.")


class HashMismatch(PersistedQueryError):
    code = "BAD_USER_INPUT"

    def __init__(self) -> None:
        super().__init__("The persisted query hash is not the SHA-256 of the query sent with it.")


class DocumentNotTrusted(PersistedQueryError):
    code = "DOCUMENT_NOT_TRUSTED"

    def __init__(self) -> None:
        super().__init__("Only the documents this deployment was built with may run here.")
