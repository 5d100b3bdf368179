"""Process-wide handles the resolvers use: the registered sources and the gateway's own store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sources.base import Source
from sources.records import RecordSource

from .ports import HealthLibrary, IdempotencyKeys

__all__ = ["ResolverSettings", "Services"]


@dataclass(frozen=True, slots=True)
class ResolverSettings:
    """The part of the gateway's config the resolvers need."""

    request_timeout: float = 5.0
    source_timeout: float = 3.0  # one upstream call's share of the request deadline
    max_page_size: int = 100
    pseudonym_key: bytes = b"demo-only-pseudonym-key"
    cursor_key: bytes = b"demo-only-cursor-key"
    require_strong_auth_for_clinicians: bool = True


@dataclass(frozen=True)
class Services:
    """Built once at startup by the gateway; handed to every request's context."""

    sources: Mapping[RecordSource, Source]
    settings: ResolverSettings = field(default_factory=ResolverSettings)
    topics: HealthLibrary | None = None
    store: IdempotencyKeys | None = None
    writer: Any = None  # sources.genesis.writes.GenesisWriter: GENESIS writes (patient actions)
