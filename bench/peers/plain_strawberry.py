"""The baseline: a plain strawberry app with parser and validation caches, nothing else.

Served by `uvicorn --app-dir bench/peers plain_strawberry:app` in its own process. No sign-in,
no limits, no audit, no persisted queries: what `{ __typename }` costs in strawberry itself.
"""

from __future__ import annotations

import strawberry
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hello"


schema = strawberry.Schema(query=Query, extensions=[ParserCache(maxsize=100), ValidationCache(maxsize=100)])
app = GraphQL(schema, graphql_ide=None)
