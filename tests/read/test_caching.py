"""Answers with health data are never cacheable by browsers or shared caches."""

from __future__ import annotations

from typing import Any

import aiohttp


async def test_graphql_answers_are_private_and_not_stored(demo_stack: Any) -> None:
    info = demo_stack.info()
    headers = {"Authorization": f"Bearer {info['tokens']['P1']}"}
    async with aiohttp.ClientSession() as session:
        async with session.post(info["graphql_url"], json={"query": "{ me { dodId } }"}, headers=headers) as resp:
            assert resp.status == 200
            assert resp.headers["Cache-Control"] == "private, no-store"
            assert "Authorization" in resp.headers["Vary"]
        params = {"query": "{ me { dodId } }"}
        async with session.get(info["graphql_url"], params=params, headers=headers) as resp:
            assert resp.status == 200
            assert resp.headers["Cache-Control"] == "private, no-store"
        async with session.post(info["graphql_url"], json={"query": "{ me { dodId } }"}) as resp:
            assert resp.status == 401
            assert "no-store" in resp.headers["Cache-Control"]
