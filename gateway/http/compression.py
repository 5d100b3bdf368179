"""Compressed answers (starlette-compress): zstd, Brotli or gzip, as the client accepts, for
answers above a size; GraphQL's own media type is compressed like JSON."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette_compress import CompressMiddleware, add_compress_type

__all__ = ["compression"]

GRAPHQL_RESPONSE = "application/graphql-response+json"


def compression(minimum_size: int) -> Middleware:
    """The middleware; answers smaller than `minimum_size` bytes go as they are."""
    add_compress_type(GRAPHQL_RESPONSE)
    return Middleware(CompressMiddleware, minimum_size=minimum_size)
