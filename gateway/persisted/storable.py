"""What the shared persisted-query store may keep: a document's printed form, and only when it
carries no user data (the store serves every user, so nothing in it may say who anyone is)."""

from __future__ import annotations

import re
from typing import Any

from graphql import BREAK, DocumentNode, NameNode, StringValueNode, Visitor, print_ast, visit

__all__ = ["has_string_literals", "printed", "why_not_storable"]

# Runs of digits (a DoD ID, an SSN, a phone number) or of hex (a record id, a token) in a name.
_IDENTIFIER_SHAPED = re.compile(r"[0-9]{6,}|[0-9a-fA-F]{16,}")


class _FindString(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        self.found = True
        return BREAK


class _FindNamedData(Visitor):
    """Operation, fragment and variable names and aliases are the client's words, not the schema's."""

    found: str | None = None

    def enter_name(self, node: NameNode, _key: Any, parent: Any, *_: Any) -> Any:
        if _IDENTIFIER_SHAPED.search(node.value):
            self.found = type(parent).__name__
            return BREAK
        return None


def has_string_literals(document: DocumentNode) -> bool:
    """True when any argument, default value or directive argument is a string literal."""
    finder = _FindString()
    visit(document, finder)
    return finder.found


def why_not_storable(document: DocumentNode) -> str | None:
    """Why the document may run but not be stored, or None: string literals (a DoD ID or cursor
    typed inline), or a name or alias holding an identifier-shaped token."""
    if has_string_literals(document):
        return "string literals"
    finder = _FindNamedData()
    visit(document, finder)
    return None if finder.found is None else "an identifier-shaped name"


def printed(document: DocumentNode) -> str:
    """The document as graphql-core prints it: no comments, no formatting of the client's."""
    return print_ast(document)
