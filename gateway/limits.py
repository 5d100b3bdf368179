"""Request limits enforced as validation rules, before any resolver or source runs."""

from __future__ import annotations

import re

from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension

from .config import LimitsConfig

__all__ = ["is_limit_message", "limit_extensions"]

# TODO(limits): root-field count and a `first`-weighted cost estimate (MAX_ROOT_FIELDS, MAX_COST)
_LIMIT_MESSAGES = re.compile(r"exceeds maximum operation depth|aliases found\. Allowed")


def is_limit_message(message: str) -> bool:
    """Whether a validation error came from one of these limits (→ QUERY_TOO_COMPLEX)."""
    return bool(_LIMIT_MESSAGES.search(message))


def limit_extensions(limits: LimitsConfig) -> list[type[SchemaExtension]]:
    """Extension classes (strawberry builds one per request) carrying the configured limits."""

    class DepthLimit(QueryDepthLimiter):
        def __init__(self) -> None:
            super().__init__(max_depth=limits.max_depth)

    class AliasLimit(MaxAliasesLimiter):
        def __init__(self) -> None:
            super().__init__(max_alias_count=limits.max_aliases)

    return [DepthLimit, AliasLimit]
