"""The cost estimate, after the IBM GraphQL Cost Directive specification (`schema/costs.py`):
scalars and enums cost 0, objects 1, lists multiply by their slicing argument (`first`, as the
variables coerce it) or their declared size. Page sizes are checked on the way: a slicing argument
outside 0..max is refused (BAD_USER_INPUT), whatever its size. The walk stops as soon as the
estimate passes the maximum, so a document built to be expensive to estimate is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_interface_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.language import DocumentNode

from schema.costs import FIELD_COSTS, LIST_SIZES, MUTATION_COST, ListSize

from .refusal import PageSizeRefused
from .selections import fields_of

__all__ = ["CostLimits", "estimate_cost"]


class _Over(Exception):
    """The estimate passed the maximum; walking further would be wasted."""


class CostLimits:
    """The maximum estimate, the size of a list no entry declares, and the largest page."""

    def __init__(self, *, maximum: int, default_list_size: int, max_page_size: int) -> None:
        self.maximum = maximum
        self.default_list_size = default_list_size
        self.max_page_size = max_page_size


def estimate_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
    limits: CostLimits,
) -> int:
    """The operation's estimated cost, or `maximum + 1` as soon as it is known to be over; raises
    PageSizeRefused for a slicing argument out of range. Variables that do not coerce cost 0 here:
    execution refuses them (BAD_USER_INPUT) before anything runs."""
    coerced = get_variable_values(schema, operation.variable_definitions or (), dict(variables or {}))
    if isinstance(coerced, list):
        return 0
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(schema, fragments, coerced, limits, operation.operation is OperationType.MUTATION)
    try:
        return walk.selection(operation.selection_set, schema.get_root_type(operation.operation), {}, root=True)
    except _Over:
        return limits.maximum + 1


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: VariableValues, limits: CostLimits, mutation: bool) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.mutation = mutation

    def selection(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None,
                  sized: Mapping[str, int], *, root: bool = False) -> int:
        total = 0
        for node, on in fields_of(selection_set, parent, self.schema, self.fragments):
            definition = _field(on, node.name.value)
            if definition is None or node.name.value.startswith("__"):
                continue  # introspection costs nothing here; unknown fields failed validation
            total += self.field(node, definition, f"{on.name if on else ''}.{node.name.value}",
                                sized.get(node.name.value), root=root)
            if total > self.limits.maximum:
                raise _Over
        return total

    def field(self, node: FieldNode, definition: GraphQLField, key: str, size_from_parent: int | None,
              *, root: bool) -> int:
        named = get_named_type(definition.type)
        listing = LIST_SIZES.get(key)
        sliced = self.slicing(node, definition, listing)
        weight = FIELD_COSTS.get(key, 0 if is_leaf_type(named) else 1)
        if root and self.mutation:
            weight = max(weight, MUTATION_COST)
        sizes_children = listing is not None and bool(listing.sized_fields)
        size = self.size(listing, sliced)
        inner = dict.fromkeys(listing.sized_fields, size) if listing is not None and sizes_children else {}
        children = self.selection(node.selection_set, named, inner) if node.selection_set else 0
        if not _is_list(definition):
            return weight + children
        if size_from_parent is not None:
            size = size_from_parent
        elif sizes_children:  # the slicing argument sized the children, not this list
            size = self.size(listing, None)
        return size * (weight + children)

    def size(self, listing: ListSize | None, sliced: int | None) -> int:
        if sliced is not None:
            return sliced
        if listing is not None and listing.assumed_size is not None:
            return listing.assumed_size
        return self.limits.default_list_size

    def slicing(self, node: FieldNode, definition: GraphQLField, listing: ListSize | None) -> int | None:
        """The slicing argument's coerced value (the schema's default when not given), checked."""
        if listing is None or not listing.slicing_arguments:
            return None
        try:
            arguments = get_argument_values(definition, node, self.variables)
        except GraphQLError:
            return None  # validation or coercion reports it
        for name in listing.slicing_arguments:
            value = arguments.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                if not 0 <= value <= self.limits.max_page_size:
                    raise PageSizeRefused(name, self.limits.max_page_size, node)
                return value
        return None


def _is_list(definition: GraphQLField) -> bool:
    inner = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
    return isinstance(inner, GraphQLList)


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if parent is not None and (is_object_type(parent) or is_interface_type(parent)):
        fields: Mapping[str, GraphQLField] = parent.fields
        return fields.get(name)
    return None
