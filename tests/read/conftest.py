"""Helpers for the read-model tests: persona tokens and a one-call query function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest_asyncio

from tests.support.gql import gql

Ask = Callable[..., Awaitable[tuple[int, Any]]]


@pytest_asyncio.fixture(loop_scope="session")
async def ask(demo_stack: Any) -> Ask:
    """ask(persona, query, variables=None, headers=None, operation_name=None) -> (status, body)."""
    tokens = demo_stack.info()["tokens"]

    async def call(
        persona: str, query: str, variables: Any = None, headers: Any = None, operation_name: str | None = None
    ) -> tuple[int, Any]:
        return await gql(
            demo_stack, query, variables, token=tokens[persona], headers=headers, operation_name=operation_name
        )

    return call
