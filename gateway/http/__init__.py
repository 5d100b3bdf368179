"""HTTP-level pieces of the gateway: request ids, GraphQL over HTTP, health and metrics."""

from .graphql import GraphQLEndpoint
from .health import HealthRoutes
from .request_id import RequestIdMiddleware

__all__ = ["GraphQLEndpoint", "HealthRoutes", "RequestIdMiddleware"]
