"""Walking an operation's fields through fragments, with the schema type each one selects from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
)

__all__ = ["fields_of"]


def fields_of(
    selection_set: SelectionSetNode | None,
    parent: GraphQLNamedType | None,
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    _spread: frozenset[str] = frozenset(),
) -> Iterator[tuple[FieldNode, GraphQLNamedType | None]]:
    """Each field node under `selection_set`, inlining fragments (a cycle is walked once), with
    the type it is selected on (a fragment's type condition when it has one)."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection, parent
        elif isinstance(selection, InlineFragmentNode):
            on = schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
            yield from fields_of(selection.selection_set, on, schema, fragments, _spread)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in _spread:
                continue
            on = schema.get_type(fragment.type_condition.name.value)
            yield from fields_of(fragment.selection_set, on, schema, fragments, _spread | {name})
