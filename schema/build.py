"""Assemble the strawberry Schema (placeholder until the types land)."""

from __future__ import annotations

import strawberry


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


def build_schema() -> strawberry.Schema:
    """The schema the gateway serves."""
    return strawberry.Schema(query=Query)
