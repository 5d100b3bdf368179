"""The request recorder every sandbox has: what the gateway sent, credentials left out."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from sandbox.fhir import FhirServer

from ..conftest import get_token, start_server
from .conftest import Key, start_millennium, token_for


async def recorded(http: aiohttp.ClientSession, server: FhirServer, **params: int) -> dict[str, Any]:
    async with http.get(f"{server.admin_url}/requests", params={k: str(v) for k, v in params.items()}) as response:
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body


@pytest.mark.parametrize("profile", ["generic", "millennium"])
async def test_requests_are_recorded_oldest_first_without_credentials(
    profile: str, client_key: Key, persona_data: list[dict[str, Any]], http: aiohttp.ClientSession
) -> None:
    if profile == "generic":
        server = await start_server(client_key)
        token = await get_token(http, server, client_key)
    else:
        server = await start_millennium(client_key, persona_data)
        token = (await token_for(http, server, client_key, "system/Patient.read"))[1]["access_token"]
    try:
        headers = {"Authorization": f"Bearer {token}", "Cookie": "session=s3cret", "X-Trace": "t-1"}
        url = f"{server.base_url}/Patient"
        async with http.get(url, params=[("family", "Rivera"), ("_count", "5")], headers=headers) as r:
            first_status = r.status
        async with http.get(f"{server.base_url}/Patient/nobody", headers=headers) as r:
            assert r.status == 404
        log = await recorded(http, server)
        token_call, search, missing = log["requests"]
        assert (token_call["method"], token_call["path"], token_call["status"]) == ("POST", "/auth/token", 200)
        assert "client_assertion" not in token_call["form"] and token_call["form"]["grant_type"] == "client_credentials"
        assert token_call["body"] is None
        assert (search["method"], search["path"], search["status"]) == ("GET", "/fhir/Patient", first_status)
        assert search["query"] == [["family", "Rivera"], ["_count", "5"]]
        assert search["query_string"] == "family=Rivera&_count=5"
        assert search["headers"]["X-Trace"] == "t-1"
        assert not {"authorization", "cookie"} & {h.lower() for h in search["headers"]}
        assert token not in str(log) and "s3cret" not in str(log)
        assert missing["status"] == 404 and search["seq"] < missing["seq"]
        assert [e["seq"] for e in (await recorded(http, server, since=search["seq"]))["requests"]] == [missing["seq"]]
        assert len((await recorded(http, server, limit=1))["requests"]) == 1
        async with http.delete(f"{server.admin_url}/requests") as r:
            assert r.status == 200
        assert (await recorded(http, server))["requests"] == []  # admin calls are not recorded
    finally:
        await server.stop()


async def test_the_recorder_is_bounded_and_keeps_bodies_and_dropped_connections(
    client_key: Key, http: aiohttp.ClientSession
) -> None:
    server = await start_server(client_key, recorder_size=3)
    try:
        token = await get_token(http, server, client_key)
        headers = {"Authorization": f"Bearer {token}"}
        body = {"resourceType": "Basic", "code": {"text": "x"}}
        async with http.post(f"{server.base_url}/Binary", json=body, headers=headers) as r:
            assert r.status == 400
        for _ in range(3):
            async with http.get(f"{server.base_url}/metadata") as r:
                assert r.status == 200
        log = (await recorded(http, server))["requests"]
        assert len(log) == 3 and {e["path"] for e in log} == {"/fhir/metadata"}
        async with http.put(f"{server.admin_url}/faults", json={"down": True}):
            pass
        with pytest.raises(aiohttp.ClientError):
            async with http.get(f"{server.base_url}/Patient", headers=headers):
                pass
        async with http.delete(f"{server.admin_url}/faults"):
            pass
        assert (await recorded(http, server))["requests"][-1]["status"] is None
        async with http.post(f"{server.base_url}/Binary", json=body, headers=headers) as r:
            assert r.status == 400
        assert '"Basic"' in (await recorded(http, server))["requests"][-1]["body"]
    finally:
        await server.stop()


async def test_bad_recorder_queries_are_400(client_key: Key, http: aiohttp.ClientSession) -> None:
    server = await start_server(client_key)
    try:
        for query in ("since=x", "limit=-1"):
            async with http.get(f"{server.admin_url}/requests?{query}") as r:
                assert r.status == 400
    finally:
        await server.stop()
