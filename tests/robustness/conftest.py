"""Raw HTTP against the demo gateway, and the one check every bad-input answer must pass."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

__all__ = ["Answer", "assert_clean", "assert_still_answers", "send"]

LEAKS = ("Traceback", 'File "', "OperationOutcome", "diagnostics")


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.text)

    def codes(self) -> list[str | None]:
        return [(e.get("extensions") or {}).get("code") for e in self.json().get("errors", [])]


async def send(
    url: str,
    token: str | None,
    *,
    method: str = "POST",
    body: bytes | None = None,
    params: Any = None,
    headers: Mapping[str, str] | None = None,
    content_type: str | None = "application/json",
) -> Answer:
    """One request with exactly these bytes; Authorization and Content-Type as given."""
    # the bytes exactly as the gateway sent them: uncompressed (compression has tests of its own)
    sent: dict[str, str] = {"Accept": "application/graphql-response+json, application/json",
                            "Accept-Encoding": "identity"}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if content_type is not None:
        sent["Content-Type"] = content_type
    sent.update(headers or {})
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout, auto_decompress=False) as http, http.request(
        method, url, data=body, params=params, headers=sent,
        skip_auto_headers=["Content-Type"] if content_type is None else (),
    ) as response:
        text = (await response.read()).decode("utf-8", "replace")
        return Answer(response.status, text, dict(response.headers))


def assert_clean(answer: Answer, *, method: str = "POST") -> None:
    """4xx or 200, a GraphQL-shaped JSON body whose errors all carry extensions.code (and none is
    INTERNAL_SERVER_ERROR), no leaks."""
    assert answer.status < 500 and (answer.status == 200 or answer.status >= 400), answer
    for leak in LEAKS:
        assert leak not in answer.text, (leak, answer.text[:500])
    if method == "HEAD":
        return
    body = answer.json()
    assert isinstance(body, dict) and ("errors" in body or "data" in body), answer.text[:500]
    for error in body.get("errors", []):
        assert isinstance(error.get("message"), str), error
        code = (error.get("extensions") or {}).get("code")
        assert code, error
        assert code != "INTERNAL_SERVER_ERROR", error  # a 500 in all but status


async def assert_still_answers(url: str, token: str) -> None:
    after = await send(url, token, body=b'{"query": "{ __typename }"}')
    assert (after.status, after.json()) == (200, {"data": {"__typename": "Query"}})
