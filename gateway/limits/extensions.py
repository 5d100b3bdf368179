"""The limits as strawberry extensions: validation rules that run before any resolver or source."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import ASTValidationRule, FragmentDefinitionNode, OperationDefinitionNode, ValidationRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension

from gateway.config import LimitsConfig

from .cost import estimate_cost
from .refusal import TooComplex
from .selections import fields_of

__all__ = ["is_limit_message", "limit_extensions"]

_LIMIT_MESSAGES = re.compile(r"exceeds maximum operation depth|aliases found\. Allowed")


def is_limit_message(message: str) -> bool:
    """Whether a validation error came from strawberry's depth or alias limit (→ QUERY_TOO_COMPLEX)."""
    return bool(_LIMIT_MESSAGES.search(message))


def _shape_rule(limits: LimitsConfig, variables: Mapping[str, Any]) -> type[ASTValidationRule]:
    """Root fields and cost of each operation in the document (the variables are this request's)."""

    class ShapeLimits(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            schema = self.context.schema
            root = schema.get_root_type(node.operation)
            fragments = {f.name.value: f for f in self.context.document.definitions
                         if isinstance(f, FragmentDefinitionNode)}
            roots = len(list(fields_of(node.selection_set, root, schema, fragments)))
            if roots > limits.max_root_fields:
                self.report_error(TooComplex("number of root fields", roots, limits.max_root_fields))
                return
            cost = estimate_cost(schema, self.context.document, node, variables,
                                 list_weight=limits.list_weight, maximum=limits.max_cost)
            if cost > limits.max_cost:
                self.report_error(TooComplex("estimated cost", cost, limits.max_cost))

    return ShapeLimits


def limit_extensions(limits: LimitsConfig) -> list[type[SchemaExtension]]:
    """Extension classes (strawberry builds one per request) carrying the configured limits."""

    class DepthLimit(QueryDepthLimiter):
        def __init__(self) -> None:
            super().__init__(max_depth=limits.max_depth)

    class AliasLimit(MaxAliasesLimiter):
        def __init__(self) -> None:
            super().__init__(max_alias_count=limits.max_aliases)

    class ShapeLimit(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            rule = _shape_rule(limits, self.execution_context.variables or {})
            self.execution_context.validation_rules = (*self.execution_context.validation_rules, rule)
            yield

    return [DepthLimit, AliasLimit, ShapeLimit]
