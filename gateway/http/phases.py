"""The gateway's request context (the parsed document rides along) and the extension that records
which phase (validation, variable coercion, execution) produced the errors, for status and codes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension

from resolvers.context import RequestContext

__all__ = ["GatewayContext", "Phase", "PreparedDocument"]


class Phase(StrEnum):
    VALIDATE = "validate"
    VARIABLES = "variables"
    EXECUTE = "execute"


@dataclass
class GatewayContext(RequestContext):
    """The resolvers' context plus what only HTTP handling needs: the document parsed (and cached)
    before execution, the operation picked, and how far execution got."""

    document: DocumentNode | None = None
    operation: OperationDefinitionNode | None = None
    phase: Phase | None = None
    variable_errors: list[GraphQLError] = field(default_factory=list)


class PreparedDocument(SchemaExtension):
    """Skips re-parsing and re-validating; records the phase on the GatewayContext."""

    def _request(self) -> GatewayContext | None:
        context = self.execution_context.context
        return context if isinstance(context, GatewayContext) else None

    def on_parse(self) -> Iterator[None]:
        request = self._request()
        if request is not None and request.document is not None:
            self.execution_context.graphql_document = request.document
        yield

    def on_validate(self) -> Iterator[None]:
        request = self._request()
        if request is not None:
            request.phase = Phase.VALIDATE
            # The endpoint validated (once per document) before executing: strawberry need not.
            self.execution_context.pre_execution_errors = []
        yield

    def on_execute(self) -> Iterator[None]:
        request = self._request()
        if request is not None:
            request.phase = Phase.EXECUTE
            if request.operation is not None:
                coerced = get_variable_values(
                    self.execution_context.schema._schema,
                    request.operation.variable_definitions or (),
                    self.execution_context.variables or {},
                    max_errors=50,
                )
                if isinstance(coerced, list):
                    request.phase = Phase.VARIABLES
                    request.variable_errors = coerced
        yield
