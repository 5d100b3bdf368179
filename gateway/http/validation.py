"""Validation: the document-only rules once per document (kept with the parsed document), then per
request the limits that depend on the variables (input bounds, the cost estimate)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphql import ASTValidationRule, GraphQLError, GraphQLSchema, OperationDefinitionNode, specified_rules, validate
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from gateway.config import LimitsConfig
from gateway.limits import CostLimits, PageSizeRefused, TooComplex, check_inputs, estimate_cost, shape_rule

from .documents import ParsedDocument

__all__ = ["Validator"]

MAX_ERRORS = 100  # graphql-core stops ("Validation aborted") past this many


class Validator:
    """Runs graphql-core's rules, strawberry's, the shape limits and (off) introspection."""

    def __init__(self, schema: GraphQLSchema, limits: LimitsConfig, *, introspection: bool) -> None:
        rules: list[type[ASTValidationRule]] = [
            *specified_rules, MaybeNullValidationRule, OneOfInputValidationRule, shape_rule(limits)
        ]
        if not introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self._schema = schema
        self._rules = tuple(rules)
        self._limits = limits
        self._cost = CostLimits(maximum=limits.max_cost, default_list_size=limits.list_weight,
                                max_page_size=limits.max_page_size)

    def errors(
        self, parsed: ParsedDocument, operation: OperationDefinitionNode, variables: Mapping[str, Any] | None
    ) -> Sequence[GraphQLError]:
        """Why the request cannot run (empty: it can)."""
        if parsed.static_errors is None:
            parsed.static_errors = self._static(parsed)
        if parsed.static_errors:
            return parsed.static_errors
        too_large = check_inputs(self._schema, parsed.document, operation, variables)
        if too_large is not None:
            return [too_large]
        try:
            cost = estimate_cost(self._schema, parsed.document, operation, variables, self._cost)
        except PageSizeRefused as refused:
            return [refused]
        maximum = self._cost.maximum
        return [TooComplex("estimated cost", cost, maximum)] if cost > maximum else []

    def _static(self, parsed: ParsedDocument) -> tuple[GraphQLError, ...]:
        found = validate(self._schema, parsed.document, self._rules, max_errors=MAX_ERRORS)
        if len(found) > MAX_ERRORS:  # graphql-core gave up: a document built to flood the validator
            return (TooComplex("number of validation errors", len(found), MAX_ERRORS),)
        return tuple(found)
