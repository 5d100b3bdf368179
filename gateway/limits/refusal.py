"""The validation errors limits report: QUERY_TOO_COMPLEX naming the limit and its value, and
BAD_USER_INPUT for a page size out of range."""

from __future__ import annotations

from graphql import FieldNode, GraphQLError

__all__ = ["CODE", "InputTooLarge", "PageSizeRefused", "TooComplex"]

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


class PageSizeRefused(GraphQLError):
    """A slicing argument (`first`) outside 0..max: one code whatever the size (BAD_USER_INPUT)."""

    def __init__(self, argument: str, maximum: int, node: FieldNode | None = None) -> None:
        self.argument = argument
        self.maximum = maximum
        super().__init__(
            f"`{argument}` must be between 0 and {maximum}.",
            nodes=node,
            extensions={"code": "BAD_USER_INPUT", "argument": argument},
        )


class InputTooLarge(GraphQLError):
    """A text or list argument over its bound (`schema/input_bounds.py`); refused before execution."""

    def __init__(self, argument: str, what: str, allowed: int) -> None:
        self.argument = argument
        super().__init__(
            f"`{argument}` may be at most {allowed:,} {what}.",
            extensions={"code": "BAD_USER_INPUT", "argument": argument, "allowed": allowed},
        )
