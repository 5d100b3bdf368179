"""Limits on a document's shape (root fields, depth, aliases): the same for every request that
sends it, so they are checked once per document, with the rest of validation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

from gateway.config import LimitsConfig

from .refusal import TooComplex
from .selections import fields_of

__all__ = ["shape_rule"]


class _Shape:
    """Walks one operation through its fragments; stops as soon as a limit is passed."""

    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 limits: LimitsConfig) -> None:
        self.schema = schema
        self.fragments = fragments
        self.limits = limits
        self.aliases = 0
        self.fields = 0  # field nodes visited, fragments expanded: bounds the walk itself

    def check(self, operation: OperationDefinitionNode) -> TooComplex | None:
        roots = list(fields_of(operation.selection_set, None, self.schema, self.fragments))
        if len(roots) > self.limits.max_root_fields:
            return TooComplex("number of root fields", len(roots), self.limits.max_root_fields)
        return self._level(operation.selection_set, 0)

    def _level(self, selection_set: SelectionSetNode | None, level: int) -> TooComplex | None:
        for field, _ in fields_of(selection_set, None, self.schema, self.fragments):
            if field.name.value.startswith("__"):
                continue  # introspection fields do not count (as in graphql-depth-limit)
            found = self._field(field, level)
            if found is not None:
                return found
        return None

    def _field(self, field: FieldNode, level: int) -> TooComplex | None:
        self.fields += 1
        if self.fields > self.limits.max_fields:  # fragments spread within fragments multiply
            return TooComplex("number of fields", self.fields, self.limits.max_fields)
        if level > self.limits.max_depth:
            return TooComplex("depth", level, self.limits.max_depth)
        if field.alias is not None:
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                return TooComplex("number of aliases", self.aliases, self.limits.max_aliases)
        return self._level(field.selection_set, level + 1) if field.selection_set else None


def shape_rule(limits: LimitsConfig) -> type[ValidationRule]:
    """A validation rule reporting the first shape limit each operation passes (QUERY_TOO_COMPLEX)."""

    class ShapeLimits(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = {f.name.value: f for f in self.context.document.definitions
                         if isinstance(f, FragmentDefinitionNode)}
            found = _Shape(self.context.schema, fragments, limits).check(node)
            if found is not None:
                self.report_error(found)

    return ShapeLimits
