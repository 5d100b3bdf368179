"""A small GraphQL-over-HTTP client for tests: POST a document, get (status, body) back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp

__all__ = ["gql", "graphql_url"]


class _HasInfo(Protocol):
    def info(self) -> Mapping[str, Any]: ...


def graphql_url(stack_or_url: str | _HasInfo) -> str:
    """The GraphQL endpoint of a running DemoStack, or the URL itself."""
    if isinstance(stack_or_url, str):
        return stack_or_url
    return str(stack_or_url.info()["graphql_url"])


async def gql(
    stack_or_url: str | _HasInfo,
    query: str,
    variables: Mapping[str, Any] | None = None,
    token: str | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    operation_name: str | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> tuple[int, Any]:
    """POST one GraphQL request; the body is parsed JSON when the answer is JSON, else text."""
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = dict(variables)
    if operation_name is not None:
        payload["operationName"] = operation_name
    if extensions is not None:
        payload["extensions"] = dict(extensions)
    sent = {"Accept": "application/graphql-response+json, application/json"}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    sent.update(headers or {})
    async with (
        aiohttp.ClientSession() as session,
        session.post(graphql_url(stack_or_url), json=payload, headers=sent) as response,
    ):
        if "json" in response.content_type:
            return response.status, await response.json(content_type=None)
        return response.status, await response.text()
