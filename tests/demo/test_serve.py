"""Serving an ASGI app in the demo's own loop, and the demo's small building blocks."""

from __future__ import annotations

import json
import socket
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.demo.errors import StackStartError
from gateway.demo.info import write_json_atomically
from gateway.demo.options import StackOptions
from gateway.demo.serve import InLoopServer


def _app(events: list[str]) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    async def hello(request: Request) -> JSONResponse:
        return JSONResponse({"hello": "demo"})

    return Starlette(routes=[Route("/hello", hello)], lifespan=lifespan)


def _failing_app() -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        raise RuntimeError("database unreachable")
        yield

    return Starlette(lifespan=lifespan)


async def test_the_app_is_served_on_a_free_port_with_its_lifespan() -> None:
    events: list[str] = []
    server = InLoopServer(host="127.0.0.1", port=0)
    assert server.port > 0
    await server.start(_app(events))
    try:
        assert events == ["startup"]
        async with aiohttp.ClientSession() as http, http.get(f"{server.url}/hello") as response:
            assert response.status == 200
            assert await response.json() == {"hello": "demo"}
    finally:
        await server.stop()
    assert events == ["startup", "shutdown"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", server.port))  # the port is released


async def test_a_failing_app_startup_is_an_error_not_an_exit() -> None:
    server = InLoopServer(host="127.0.0.1", port=0)
    with pytest.raises(StackStartError, match="gateway"):
        await server.start(_failing_app())
    await server.stop()


def test_a_taken_port_is_refused_with_the_port_named() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(StackStartError, match=str(port)):
            InLoopServer(host="127.0.0.1", port=port)


def test_info_file_is_written_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "info.json"
    write_json_atomically(target, {"graphql_url": "http://x/graphql"})
    write_json_atomically(target, {"graphql_url": "http://y/graphql"})
    assert json.loads(target.read_text()) == {"graphql_url": "http://y/graphql"}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["info.json"]


@pytest.mark.parametrize(
    "fields",
    [{"port": 70000}, {"extra_patients": -1}, {"gateway_workers": 0}, {"gateway_workers": 65}, {"faults": {"tol": {}}}],
)
def test_impossible_stack_options_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        StackOptions(**fields)  # type: ignore[arg-type]
