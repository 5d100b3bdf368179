"""A schema extension that hands strawberry the already-parsed document and notes which phase
(validation, variable coercion, execution) produced the errors, for the HTTP status and codes."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from graphql import DocumentNode, OperationDefinitionNode
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension

from resolvers.context import RequestContext

__all__ = [
    "DOCUMENT_KEY",
    "OPERATION_KEY",
    "PHASE_KEY",
    "VARIABLE_ERRORS_KEY",
    "Phase",
    "PreparedDocument",
]

DOCUMENT_KEY = "gateway.document"
OPERATION_KEY = "gateway.operation"
PHASE_KEY = "gateway.phase"
VARIABLE_ERRORS_KEY = "gateway.variable_errors"


class Phase(StrEnum):
    VALIDATE = "validate"
    VARIABLES = "variables"
    EXECUTE = "execute"


class PreparedDocument(SchemaExtension):
    """Skips re-parsing; records the phase in `RequestContext.extras[PHASE_KEY]`."""

    def _request(self) -> RequestContext | None:
        context = self.execution_context.context
        return context if isinstance(context, RequestContext) else None

    def on_parse(self) -> Iterator[None]:
        request = self._request()
        document = request.extras.get(DOCUMENT_KEY) if request else None
        if isinstance(document, DocumentNode):
            self.execution_context.graphql_document = document
        yield

    def on_validate(self) -> Iterator[None]:
        request = self._request()
        if request is not None:
            request.extras[PHASE_KEY] = Phase.VALIDATE
        yield

    def on_execute(self) -> Iterator[None]:
        request = self._request()
        if request is not None:
            request.extras[PHASE_KEY] = Phase.EXECUTE
            operation = request.extras.get(OPERATION_KEY)
            if isinstance(operation, OperationDefinitionNode):
                coerced = get_variable_values(
                    self.execution_context.schema._schema,
                    operation.variable_definitions or (),
                    self.execution_context.variables or {},
                    max_errors=50,
                )
                if isinstance(coerced, list):
                    request.extras[PHASE_KEY] = Phase.VARIABLES
                    request.extras[VARIABLE_ERRORS_KEY] = coerced
        yield
