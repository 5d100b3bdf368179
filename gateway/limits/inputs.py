"""Every text and list argument within its bound (`schema/input_bounds.py`), literal or variable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_interface_type,
    is_object_type,
    value_from_ast_untyped,
)
from graphql.language import DocumentNode

from schema.input_bounds import DEFAULT_ITEMS, DEFAULT_TEXT, ITEMS, TEXT

from .refusal import InputTooLarge
from .selections import fields_of

__all__ = ["check_inputs"]

_TEXT_SCALARS = frozenset({"String", "ID", "Date", "DateTime"})


def check_inputs(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> InputTooLarge | None:
    """The first argument of `operation` over its bound, with this request's variables, or None."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    given = dict(variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in given and definition.default_value is not None:
            given[name] = value_from_ast_untyped(definition.default_value)
    walk = _Walk(schema, fragments, given)
    return walk.selection(operation.selection_set, schema.get_root_type(operation.operation))


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selection(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None
    ) -> InputTooLarge | None:
        for node, on in fields_of(selection_set, parent, self.schema, self.fragments):
            definition = _field(on, node.name.value)
            if definition is None or on is None:
                continue
            for argument in node.arguments or ():
                spec = definition.args.get(argument.name.value)
                if spec is None:
                    continue
                key = f"{on.name}.{node.name.value}.{argument.name.value}"
                found = _check(self._value(argument.value), spec.type, key, argument.name.value)
                if found is not None:
                    return found
            if node.selection_set is not None:
                found = self.selection(node.selection_set, get_named_type(definition.type))
                if found is not None:
                    return found
        return None

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        return value_from_ast_untyped(node, dict(self.variables))


def _check(value: Any, kind: GraphQLInputType, key: str, argument: str) -> InputTooLarge | None:
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    if value is None:
        return None
    if isinstance(kind, GraphQLList):
        items = value if isinstance(value, list) else [value]
        allowed = ITEMS.get(key, DEFAULT_ITEMS)
        if len(items) > allowed:
            return InputTooLarge(argument, "items", allowed)
        for item in items:
            found = _check(item, kind.of_type, f"{key}[]", argument)
            if found is not None:
                return found
        return None
    if isinstance(kind, GraphQLInputObjectType) and isinstance(value, Mapping):
        for name, spec in kind.fields.items():
            found = _check(value.get(name), spec.type, f"{key}.{name}", f"{argument}.{name}")
            if found is not None:
                return found
        return None
    if isinstance(kind, GraphQLScalarType) and kind.name in _TEXT_SCALARS and isinstance(value, str):
        allowed = TEXT.get(key, DEFAULT_TEXT)
        if len(value) > allowed:
            return InputTooLarge(argument, "characters", allowed)
    return None


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if parent is not None and (is_object_type(parent) or is_interface_type(parent)):
        fields: Mapping[str, GraphQLField] = parent.fields
        return fields.get(name)
    return None
