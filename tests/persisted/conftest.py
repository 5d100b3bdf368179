"""Helpers for persisted-query tests: APQ requests over POST and GET, extra gateways, Redis."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
import pytest_asyncio
import redis.asyncio as redis

from gateway.persisted import KEY_PREFIX
from tests.access.conftest import audit_log, upstreams

__all__ = ["audit_log", "upstreams"]  # the access tests' fixtures, used here too

REDIS_URL = "redis://127.0.0.1:6379/0"
GET_ACCEPT = {"Accept": "application/graphql-response+json, application/json"}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def unique(query: str) -> str:
    """`query` under a fresh operation name, so no other test has registered it."""
    letters = "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:12])  # no digit runs: see storable
    return query.replace("query ", f"query Q{letters}", 1)


def apq(digest: str, *, version: Any = 1) -> dict[str, Any]:
    """`extensions` naming a document by its SHA-256, as Apollo's persisted-query link sends it."""
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def code(self) -> str | None:
        errors = self.body.get("errors") if isinstance(self.body, dict) else None
        return errors[0]["extensions"]["code"] if errors else None


def get_url(graphql_url: str, *, query: str | None = None, variables: Mapping[str, Any] | None = None,
            extensions: Mapping[str, Any] | None = None) -> str:
    """The GET URL an APQ client builds: compact JSON in query parameters, in a fixed order."""
    params: dict[str, str] = {}
    if query is not None:
        params["query"] = query
    if variables is not None:
        params["variables"] = json.dumps(variables, separators=(",", ":"))
    if extensions is not None:
        params["extensions"] = json.dumps(extensions, separators=(",", ":"))
    return f"{graphql_url}?{urlencode(params)}"


async def send(graphql_url: str, token: str, *, method: str = "POST", query: str | None = None,
               variables: Mapping[str, Any] | None = None, extensions: Mapping[str, Any] | None = None,
               headers: Mapping[str, str] | None = None) -> Answer:
    """One request; POST sends JSON (no `query` key when none is given), GET builds `get_url`."""
    sent = {**GET_ACCEPT, "Authorization": f"Bearer {token}", **(headers or {})}
    async with aiohttp.ClientSession() as http:
        if method == "GET":
            url = get_url(graphql_url, query=query, variables=variables, extensions=extensions)
            request = http.get(url, headers=sent)
        else:
            payload: dict[str, Any] = {}
            if query is not None:
                payload["query"] = query
            if variables is not None:
                payload["variables"] = dict(variables)
            if extensions is not None:
                payload["extensions"] = dict(extensions)
            request = http.post(graphql_url, json=payload, headers=sent)
        async with request as response:
            body = await response.json(content_type=None)
            return Answer(response.status, body, dict(response.headers))


def graphql_url_of(demo_stack: Any) -> str:
    return str(demo_stack.info()["graphql_url"])


def token_of(demo_stack: Any, persona: str = "P1") -> str:
    return str(demo_stack.info()["tokens"][persona])


@pytest_asyncio.fixture(loop_scope="session")
async def redis_client() -> AsyncIterator[redis.Redis]:
    """The machine's Redis at 127.0.0.1:6379; the test is skipped when it does not answer."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1,
                                  decode_responses=True)
    try:
        await client.ping()
    except (redis.RedisError, OSError) as error:
        await client.aclose()
        pytest.skip(f"no Redis answering at 127.0.0.1:6379 ({type(error).__name__}); "
                    "start redis-server to run the shared-store tests")
    try:
        yield client
    finally:
        await client.aclose()


async def forget(client: redis.Redis, *texts: str) -> None:
    """Remove these documents' keys (tests leave the machine's Redis as they found it)."""
    await client.delete(*(KEY_PREFIX + sha256(text) for text in texts))


def with_config(demo_stack: Any, **changes: Any) -> Any:
    """The demo gateway's config with changes, on a free port (for an extra app under uvicorn)."""
    return dataclasses.replace(demo_stack.config, port=0, **changes)
