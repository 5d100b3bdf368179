"""The validation error every limit reports: QUERY_TOO_COMPLEX, naming the limit and its value."""

from __future__ import annotations

from graphql import GraphQLError

__all__ = ["CODE", "TooComplex"]

CODE = "QUERY_TOO_COMPLEX"


class TooComplex(GraphQLError):
    """A document over one of the configured limits; refused before any resolver runs."""

    def __init__(self, limit: str, found: int, allowed: int) -> None:
        self.limit = limit
        self.found = found
        self.allowed = allowed
        super().__init__(
            f"The query's {limit} is {found}; at most {allowed} is allowed.",
            extensions={"code": CODE, "limit": limit, "allowed": allowed},
        )
