"""`/metrics` and the detail of `/readyz`: open in the demo, behind a token, or only on the admin
listener, as configured."""

from __future__ import annotations

import dataclasses
from typing import Any

import aiohttp
import pytest

from gateway.app import create_app
from gateway.config import Config
from gateway.errors import ConfigError
from tests.gateway.test_config import BASE
from tests.support.servers import serve

TOKEN = "scraper-secret-0123456789"


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers or {}) as response:
        body = await response.json() if "json" in response.content_type else await response.text()
        return response.status, body


async def test_behind_a_token(demo_stack: Any) -> None:
    config = dataclasses.replace(demo_stack.config, port=0, metrics_token=TOKEN)
    async with serve(create_app(config)) as base:
        assert (await _get(f"{base}/metrics"))[0] == 401
        assert (await _get(f"{base}/metrics", {"Authorization": "Bearer wrong-token-0000000"}))[0] == 401
        status, text = await _get(f"{base}/metrics", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200 and "gateway_requests_total" in text
        assert await _get(f"{base}/readyz") == (200, {"status": "ready"})
        status, detail = await _get(f"{base}/readyz", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200 and set(detail["sources"]) == {"GENESIS", "COMMUNITY", "TOL_ARCHIVE"}


async def test_on_a_separate_listener_only(demo_stack: Any) -> None:
    config = dataclasses.replace(demo_stack.config, port=0, admin_port=0)
    app = create_app(config)
    async with serve(app) as base:
        admin = app.state.admin_url
        assert admin != base
        assert (await _get(f"{base}/metrics"))[0] == 404
        assert await _get(f"{base}/readyz") == (200, {"status": "ready"})
        status, text = await _get(f"{admin}/metrics")
        assert status == 200 and "gateway_requests_total" in text
        status, detail = await _get(f"{admin}/readyz")
        assert status == 200 and detail["databases"] == {"gateway": "OK"}
        assert await _get(f"{admin}/healthz") == (200, {"status": "ok"})
        assert (await _get(f"{admin}/graphql"))[0] == 404  # nothing else is served there


def test_the_settings_are_read_and_checked() -> None:
    config = Config.from_env({**BASE, "MHS_GATEWAY_METRICS_TOKEN": TOKEN, "MHS_GATEWAY_ADMIN_PORT": "9100"})
    assert (config.metrics_token, config.admin_port, config.admin_host) == (TOKEN, 9100, "127.0.0.1")
    assert TOKEN not in repr(config)
    with pytest.raises(ConfigError) as short:
        Config.from_env({**BASE, "MHS_GATEWAY_METRICS_TOKEN": "short"})
    assert short.value.name == "MHS_GATEWAY_METRICS_TOKEN" and "short" not in str(short.value)
    with pytest.raises(ConfigError):
        Config.from_env({**BASE, "MHS_GATEWAY_ADMIN_PORT": "70000"})
