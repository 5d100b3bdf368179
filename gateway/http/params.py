"""GraphQL-over-HTTP request parameters from a GET query string or a POST JSON body."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from .problems import HttpProblem

__all__ = ["GraphQLParams", "read_params", "too_large"]

_JSON_TYPES = ("application/json", "application/graphql-response+json")
# PostgreSQL text and FHIR strings cannot hold NUL; an unpaired surrogate is not Unicode at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str | None
    variables: dict[str, Any]
    operation_name: str | None
    extensions: dict[str, Any]


def _bad(message: str) -> HttpProblem:
    return HttpProblem(400, "BAD_REQUEST", message)


def check_post_content_type(request: Request) -> None:
    """Only JSON bodies: text/plain, forms and bodies without a type are CSRF-able; refuse them."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in _JSON_TYPES:
        raise HttpProblem(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "POST bodies must be application/json.",
            headers={"Accept-Post": "application/json"},
        )
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise HttpProblem(415, "UNSUPPORTED_MEDIA_TYPE", "Compressed (Content-Encoding) bodies are not accepted.")


async def read_body(request: Request, limit: int, within: float | None = None) -> bytes:
    """The body, refusing (413) anything over `limit` bytes by Content-Length or by counting,
    and (408) a body that has not fully arrived `within` seconds (a slow sender)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise _bad("Content-Length is not a number.")
        if int(declared) > limit:
            raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(within):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_large(limit)
                chunks.append(chunk)
    except TimeoutError:
        raise HttpProblem(408, "REQUEST_TIMEOUT", "The request body did not arrive in time.",
                          headers={"Connection": "close"}) from None
    return b"".join(chunks)


def too_large(limit: int) -> HttpProblem:
    return HttpProblem(413, "PAYLOAD_TOO_LARGE", f"Request bodies are limited to {limit} bytes.")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(raw: str | bytes) -> Any:
    """Strict JSON: no NaN/Infinity; nesting too deep to decode is invalid, not a crash."""
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _check_text(value: Any, name: str) -> None:
    """Refuse (400) any string or key under `value` holding NUL or an unpaired surrogate; NUL in
    the document text itself is left to the parser, which reports where it is."""
    pattern = _SURROGATE if name == "query" else _UNSTORABLE
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = pattern.search(item)
            if found:
                code = "BAD_USER_INPUT" if name == "variables" else "BAD_REQUEST"
                what = "a NUL character (\\u0000)" if found.group() == "\x00" else "an unpaired surrogate"
                raise HttpProblem(400, code, f"`{name}` holds {what}, which is not text any record can hold.")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _checked(params: GraphQLParams) -> GraphQLParams:
    _check_text(params.query, "query")
    _check_text(params.operation_name, "operationName")
    _check_text(params.variables, "variables")
    _check_text(params.extensions, "extensions")
    return params


def _json_object(raw: str | None, name: str) -> dict[str, Any]:
    if raw is None or raw == "":
        return {}
    try:
        value = _loads(raw)
    except ValueError:
        raise _bad(f"`{name}` is not valid JSON.") from None
    return _object(value, name)


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(f"`{name}` must be a JSON object.")
    return value


def _optional_text(value: Any, name: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _bad(f"`{name}` must be a string.")
    return value


def params_from_query_string(request: Request) -> GraphQLParams:
    args = request.query_params
    return GraphQLParams(
        query=_optional_text(args.get("query"), "query"),
        variables=_json_object(args.get("variables"), "variables"),
        operation_name=_optional_text(args.get("operationName"), "operationName"),
        extensions=_json_object(args.get("extensions"), "extensions"),
    )


def params_from_body(body: bytes) -> GraphQLParams:
    try:
        payload = _loads(body)
    except ValueError:
        raise _bad("The body is not valid JSON.") from None
    if isinstance(payload, list):
        raise _bad("Batched requests are not supported.")
    if not isinstance(payload, dict):
        raise _bad("The body must be a JSON object.")
    return GraphQLParams(
        query=_optional_text(payload.get("query"), "query"),
        variables=_object(payload.get("variables"), "variables"),
        operation_name=_optional_text(payload.get("operationName"), "operationName"),
        extensions=_object(payload.get("extensions"), "extensions"),
    )


async def read_params(request: Request, body_limit: int, body_timeout: float | None = None) -> GraphQLParams:
    if request.method == "GET":
        return _checked(params_from_query_string(request))
    check_post_content_type(request)
    return _checked(params_from_body(await read_body(request, body_limit, body_timeout)))
