"""A cost estimate: every field counts once per object it runs for; `first` and lists multiply.

A connection field's children run `first` times (the argument, its variable, or the schema's
default); a plain list field's children run `list_weight` times. The walk stops as soon as the
estimate passes the allowed maximum, so a document built to be expensive to estimate is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_interface_type,
    is_object_type,
)
from graphql.language import DocumentNode, FragmentDefinitionNode

from .selections import fields_of

__all__ = ["estimate_cost"]


class _Over(Exception):
    """The estimate passed the maximum; walking further would be wasted."""


def estimate_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
    *,
    list_weight: int,
    maximum: int,
) -> int:
    """The operation's estimated cost, or `maximum + 1` as soon as it is known to be over."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(schema, fragments, operation, variables or {}, list_weight, maximum)
    root = schema.get_root_type(operation.operation)
    try:
        walk.selection(operation.selection_set, root, 1)
    except _Over:
        return maximum + 1
    return walk.total


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        list_weight: int,
        maximum: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = {
            d.variable.name.value: int(d.default_value.value)
            for d in operation.variable_definitions or ()
            if isinstance(d.default_value, IntValueNode)
        }
        self.list_weight = list_weight
        self.maximum = maximum
        self.total = 0

    def selection(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None,
                  times: int) -> None:
        for node, on in fields_of(selection_set, parent, self.schema, self.fragments):
            self.total += times
            if self.total > self.maximum:
                raise _Over
            if node.selection_set is None:
                continue
            definition = _field(on, node.name.value)
            if definition is None:
                self.selection(node.selection_set, None, times)
                continue
            self.selection(node.selection_set, get_named_type(definition.type),
                           times * self.fan_out(node, definition, on))

    def fan_out(self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType | None) -> int:
        """How many times the field's children run for each time the field does."""
        if "first" in definition.args:
            return max(self.first(node, definition), 1)
        inner = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
        if isinstance(inner, GraphQLList):
            if parent is not None and parent.name.endswith("Connection"):
                return 1  # a connection's edges: already counted by its `first`
            return self.list_weight
        return 1

    def first(self, node: FieldNode, definition: GraphQLField) -> int:
        default = definition.args["first"].default_value
        fallback = default if isinstance(default, int) and not isinstance(default, bool) else self.list_weight
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                name = value.name.value
                given = self.variables.get(name, self.defaults.get(name, fallback))
                return given if isinstance(given, int) and not isinstance(given, bool) else fallback
        return fallback


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if parent is not None and (is_object_type(parent) or is_interface_type(parent)):
        fields: Mapping[str, GraphQLField] = parent.fields
        return fields.get(name)
    return None
