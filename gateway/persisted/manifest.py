"""Trusted documents: the manifest a frontend build emits (`{sha256: query}`), verified on load."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from graphql import GraphQLSyntaxError, parse

from gateway.errors import ConfigError

from .request import document_hash

__all__ = ["TrustedDocuments"]

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


class TrustedDocuments:
    """Known query texts by hash; immutable. Equal when they hold the same hashes."""

    __slots__ = ("_documents",)

    def __init__(self, documents: Mapping[str, str] | None = None) -> None:
        checked: dict[str, str] = {}
        for key, text in (documents or {}).items():
            if document_hash(text) != key.lower():
                raise ValueError(f"entry {key[:12]}… is not the SHA-256 of its document")
            checked[key.lower()] = text
        self._documents = MappingProxyType(checked)

    @classmethod
    def load(cls, path: Path, variable: str) -> TrustedDocuments:
        """Read and verify a manifest; any problem is a ConfigError naming `variable`."""
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(variable, f"cannot read {path} ({type(error).__name__})") from None
        try:
            data = json.loads(raw)
        except ValueError:
            raise ConfigError(variable, f"{path} is not valid JSON") from None
        if not isinstance(data, dict):
            raise ConfigError(variable, f"{path} must hold a JSON object of sha256 → query")
        for key, text in data.items():
            if not _SHA256.match(key):
                raise ConfigError(variable, f"key {key[:16]!r} in {path} is not a hex SHA-256")
            if not isinstance(text, str):
                raise ConfigError(variable, f"entry {key[:12]}… in {path} is not a query string")
            if document_hash(text) != key.lower():
                raise ConfigError(
                    variable, f"entry {key[:12]}… in {path} is not the SHA-256 of its document"
                )
            try:
                parse(text)
            except GraphQLSyntaxError as error:
                line = error.locations[0].line if error.locations else "?"
                raise ConfigError(
                    variable, f"entry {key[:12]}… in {path} does not parse (line {line})"
                ) from None
        return cls(data)

    def get(self, sha256: str) -> str | None:
        return self._documents.get(sha256)

    def __contains__(self, sha256: object) -> bool:
        return sha256 in self._documents

    def __len__(self) -> int:
        return len(self._documents)

    def __bool__(self) -> bool:
        return bool(self._documents)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TrustedDocuments):
            return NotImplemented
        return self._documents.keys() == other._documents.keys()

    def __hash__(self) -> int:
        return hash(frozenset(self._documents))

    def __repr__(self) -> str:
        return f"TrustedDocuments({len(self._documents)} documents)"
