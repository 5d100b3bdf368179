"""Parsing (and validating) GraphQL documents once per distinct text (LRU by SHA-256); picking the operation."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from graphql import (
    BREAK,
    DocumentNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    Visitor,
    get_operation_ast,
    parse,
    visit,
)

from .problems import HttpProblem

__all__ = ["DocumentCache", "ParsedDocument", "select_operation"]


@dataclass(slots=True)
class ParsedDocument:
    hash: str  # hex SHA-256 of the document text (what the audit log records)
    document: DocumentNode
    static_errors: tuple[GraphQLError, ...] | None = None  # validation's answer, once computed


class DocumentCache:
    """Parsed (and, once asked, validated) documents by hash; parse failures are not cached."""

    def __init__(self, *, max_tokens: int, max_entries: int = 1000) -> None:
        self._max_tokens = max_tokens
        self._max_entries = max_entries
        self._entries: OrderedDict[str, ParsedDocument] = OrderedDict()

    def parse(self, text: str, digest: str | None = None) -> ParsedDocument:
        """The parsed document; `digest`, when given, must be the text's hex SHA-256."""
        digest = digest or hashlib.sha256(text.encode()).hexdigest()
        found = self._entries.get(digest)
        if found is not None:
            self._entries.move_to_end(digest)
            return found
        try:
            document = parse(text, max_lexical_tokens=self._max_tokens, max_comments=1000)
        except GraphQLSyntaxError as error:
            too_big = "Document contains more than" in error.message
            locations = [{"line": loc.line, "column": loc.column} for loc in error.locations or []]
            raise HttpProblem(
                400,
                "QUERY_TOO_COMPLEX" if too_big else "GRAPHQL_PARSE_FAILED",
                error.message,
                extensions={"locations": locations} if locations else None,
            ) from None
        _refuse_nul_literals(document)
        parsed = ParsedDocument(digest, document)
        self._entries[digest] = parsed
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return parsed


class _FindNul(Visitor):
    found: StringValueNode | None = None

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        if "\x00" in node.value:
            self.found = node
            return BREAK
        return None


def _refuse_nul_literals(document: DocumentNode) -> None:
    """A string literal holding NUL (written as \\u0000): no source or store can hold it (400)."""
    finder = _FindNul()
    visit(document, finder)
    if finder.found is not None:
        loc = finder.found.loc
        locations = [{"line": loc.start_token.line, "column": loc.start_token.column}] if loc else []
        raise HttpProblem(400, "BAD_USER_INPUT", "A string literal holds a NUL character (\\u0000).",
                          extensions={"locations": locations} if locations else None)


def select_operation(
    document: DocumentNode, operation_name: str | None, method: str
) -> OperationDefinitionNode:
    """The operation to run; 400 when it cannot be chosen, 405 for a mutation over GET."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = (
            f"Unknown operation named {operation_name[:64]!r}."  # not all of a 1 MB name again
            if operation_name
            else "The document must hold exactly one operation, or give operationName."
        )
        raise HttpProblem(400, "GRAPHQL_VALIDATION_FAILED", message)
    if operation.operation is OperationType.SUBSCRIPTION:
        raise HttpProblem(400, "GRAPHQL_VALIDATION_FAILED", "Subscriptions are not supported.")
    if operation.operation is OperationType.MUTATION and method != "POST":
        raise HttpProblem(
            405, "METHOD_NOT_ALLOWED", "Mutations must be sent with POST.",
            headers={"Allow": "POST"},
        )
    return operation
