"""The validation error every limit reports: QUERY_TOO_COMPLEX, naming the limit and its value."""

from __future__ import annotations

from graphql import GraphQLError

__all__ = ["CODE", "InputTooLarge", "TooComplex"]

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


class InputTooLarge(GraphQLError):
    """A text or list argument over its bound (`schema/input_bounds.py`); refused before execution."""

    def __init__(self, argument: str, what: str, allowed: int) -> None:
        self.argument = argument
        super().__init__(
            f"`{argument}` may be at most {allowed:,} {what}.",
            extensions={"code": "BAD_USER_INPUT", "argument": argument, "allowed": allowed},
        )
