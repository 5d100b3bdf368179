"""The GraphQL schema: strawberry types, Query and Mutation."""

from .build import build_schema

__all__ = ["build_schema"]
