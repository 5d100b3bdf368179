"""Whether a document carries string literals: a DoD ID or a cursor typed inline is user data."""

from __future__ import annotations

from typing import Any

from graphql import BREAK, DocumentNode, StringValueNode, Visitor, visit

__all__ = ["has_string_literals"]


class _FindString(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        self.found = True
        return BREAK


def has_string_literals(document: DocumentNode) -> bool:
    """True when any argument, default value or directive argument is a string literal; such a
    document is run but never stored in the shared store (documents there serve every user)."""
    finder = _FindString()
    visit(document, finder)
    return finder.found
