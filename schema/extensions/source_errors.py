"""Add one GraphQL error per failed source (code, source, path) or gateway service after execution."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.context import RequestContext

__all__ = ["ReportSourceFailures"]


class ReportSourceFailures(SchemaExtension):
    """A failed source does not fail the query; it is reported in `errors` with its path."""

    def on_execute(self) -> Iterator[None]:
        yield
        context = self.execution_context.context
        result = self.execution_context.result
        if not isinstance(context, RequestContext) or result is None:
            return
        failures = context.outcomes.failures
        services = context.outcomes.service_failures
        if not failures and not services:
            return
        errors = list(result.errors or [])
        for failure in failures:
            errors.append(
                GraphQLError(
                    failure.message,
                    path=list(failure.path),
                    extensions={"code": failure.code, "source": failure.source},
                )
            )
        for service in services:
            errors.append(GraphQLError(service.message, path=list(service.path),
                                       extensions={"code": service.code}))
        result.errors = errors
