"""Fixtures for gateway tests: a running sign-in sandbox and a gateway served on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
import pytest_asyncio

from gateway.app import create_app
from gateway.config import Config
from gateway.sources import Opened
from resolvers.services import Services
from sandbox.issuer import Issuer
from tests.support.servers import serve

AUDIENCE = "mhs-gateway"


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def issuer() -> AsyncIterator[Issuer]:
    sandbox = Issuer(audience=AUDIENCE)
    await sandbox.start("127.0.0.1", 0)
    try:
        yield sandbox
    finally:
        await sandbox.stop()


def base_env(issuer: Issuer, **overrides: str) -> dict[str, str]:
    env = {
        "MHS_GATEWAY_MODE": "demo",
        "MHS_GATEWAY_ISSUER": issuer.issuer_url,
        "MHS_GATEWAY_AUDIENCE": AUDIENCE,
        "MHS_GATEWAY_JWKS_URL": issuer.jwks_url,
        "MHS_GATEWAY_MAX_BODY_BYTES": "20000",
        "MHS_GATEWAY_JWKS_REFRESH_INTERVAL": "0",
    }
    env.update({f"MHS_GATEWAY_{k}": v for k, v in overrides.items()})
    return env


def no_sources(config: Config, opened: Opened) -> Services:
    return Services(sources={})


@pytest.fixture
def make_config(issuer: Issuer) -> Callable[..., Config]:
    def make(**overrides: str) -> Config:
        return Config.from_env(base_env(issuer, **overrides))

    return make


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def gateway_url(issuer: Issuer) -> AsyncIterator[str]:
    """The gateway with the current schema and no sources (no database)."""
    config = Config.from_env(base_env(issuer))
    async with serve(create_app(config, services_factory=no_sources)) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
