"""Answers as HTTP: compressed above a size (zstd, Brotli, gzip as the client accepts), JSON by
orjson, `X-Content-Type-Options: nosniff` on every one, requests in flight finished at shutdown."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
import os
import signal
from pathlib import Path
from typing import Any

import aiohttp
import brotli
import pytest
import zstandard

from gateway.app import create_app
from gateway.demo.ports import free_port
from gateway.demo.workers import ServeProcess
from tests.support.servers import serve

BIG = """{ me { labResults(first: 100) { edges { node { id display effectiveAt status
            provenance { source sourceId organization alsoIn } } } } } }"""
SMALL = "{ me { dodId } }"
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress,
          "zstd": lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data)}


async def _post(url: str, token: str, query: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession(auto_decompress=False) as http, http.post(
        url, json={"query": query}, headers={"Authorization": f"Bearer {token}", **headers}
    ) as response:
        return response.status, dict(response.headers), await response.read()


@pytest.mark.parametrize("encoding", ["br", "gzip", "zstd"])
async def test_a_large_answer_is_compressed_as_the_client_accepts(demo_stack: Any, encoding: str) -> None:
    token = demo_stack.info()["tokens"]["P3"]
    _, plain_headers, plain = await _post(demo_stack.graphql_url, token, BIG, **{"Accept-Encoding": "identity"})
    status, headers, packed = await _post(demo_stack.graphql_url, token, BIG, **{"Accept-Encoding": encoding})
    assert status == 200 and headers["Content-Encoding"] == encoding
    assert "content-encoding" not in {k.lower() for k in plain_headers}
    assert len(packed) < len(plain) / 3
    assert json.loads(DECODE[encoding](packed)) == json.loads(plain)
    assert {"Authorization", "Accept-Encoding"} <= {v.strip() for v in headers["Vary"].split(",")}


async def test_a_small_answer_goes_as_it_is(demo_stack: Any) -> None:
    status, headers, body = await _post(demo_stack.graphql_url, demo_stack.info()["tokens"]["P1"], SMALL,
                                        **{"Accept-Encoding": "br, gzip"})
    assert status == 200 and "Content-Encoding" not in headers
    assert json.loads(body) == {"data": {"me": {"dodId": "1000000001"}}}


async def test_every_answer_says_nosniff(demo_stack: Any) -> None:
    config = dataclasses.replace(demo_stack.config, port=0, admin_port=0)
    app = create_app(config)
    token = demo_stack.info()["tokens"]["P1"]
    async with serve(app) as base, aiohttp.ClientSession() as http:
        requests = [
            http.post(f"{base}/graphql", json={"query": SMALL}, headers={"Authorization": f"Bearer {token}"}),
            http.post(f"{base}/graphql", json={"query": "{ nope }"},
                      headers={"Authorization": f"Bearer {token}", "Accept": "application/graphql-response+json"}),
            http.post(f"{base}/graphql", json={"query": SMALL}),
            http.get(f"{base}/graphql", headers={"Accept": "text/html"}),
            http.get(f"{base}/healthz"), http.get(f"{base}/readyz"), http.get(f"{base}/nowhere"),
            http.get(f"{app.state.admin_url}/metrics"), http.get(f"{app.state.admin_url}/readyz"),
        ]
        seen = []
        for request in requests:
            async with request as response:
                seen.append((response.status, response.headers.get("X-Content-Type-Options")))
    assert {s for s, _ in seen} >= {200, 400, 401, 404} and {h for _, h in seen} == {"nosniff"}, seen


@pytest.mark.slow
async def test_shutdown_lets_a_request_in_flight_finish(demo_stack: Any, tmp_path: Path) -> None:
    admin = demo_stack.info()["admin"]["genesis"].rstrip("/")
    env = {**demo_stack.gateway_environment, "MHS_GATEWAY_DRAIN_SECONDS": "8"}
    with (tmp_path / "serve.log").open("w") as log:
        process = ServeProcess(env, host="127.0.0.1", port=free_port(), workers=1, log=log)
        await process.start()
        async with aiohttp.ClientSession() as http:
            try:
                async with http.delete(f"{admin}/requests"):
                    pass
                async with http.put(f"{admin}/faults", json={"latency_ms": 1500}):
                    pass
                slow = asyncio.create_task(_post(f"{process.url}/graphql", demo_stack.info()["tokens"]["P1"],
                                                 "{ me { labResults(first: 2) { totalCount } } }"))
                while True:  # the request is in flight once GENESIS has it
                    async with http.get(f"{admin}/requests") as response:
                        if (await response.json())["requests"]:
                            break
                    await asyncio.sleep(0.05)
                assert process.pid is not None
                os.kill(process.pid, signal.SIGTERM)
                status, _, body = await slow
            finally:
                async with http.delete(f"{admin}/faults"):
                    pass
            returncode = await process.stop()
    assert status == 200 and json.loads(body)["data"]["me"]["labResults"]["totalCount"] > 0
    assert returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it has drained
