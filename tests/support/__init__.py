"""Helpers shared by the test suite: PostgreSQL servers, databases and a GraphQL client."""

from .gql import gql, graphql_url
from .postgres import answers, local_admin_dsn

__all__ = ["answers", "gql", "graphql_url", "local_admin_dsn"]
