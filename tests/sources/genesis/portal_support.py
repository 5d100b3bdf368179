"""The GENESIS sandbox's patient portal for source tests: the service part, and the gateway's client."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import Any

import aiohttp

from sandbox.fhir import FhirServer
from sandbox.portal import PORTAL_PREFIX, PortalService, portal_resources
from sources.genesis.portal import PORTAL_SCOPE, GenesisPortal, PortalConfig

from ..fhir.support import Recorder, config_for


def with_portal(resources: list[dict[str, Any]], offers: Collection[str] | None = None) -> tuple[PortalService]:
    """The `parts` of a sandbox that also serves the portal over `resources`' portal data."""
    return (PortalService(portal_resources(resources), offers=offers),)


def portal_url(server: FhirServer) -> str:
    return server.base_url.removesuffix("/fhir") + PORTAL_PREFIX


def portal_for(server: FhirServer, http: aiohttp.ClientSession, **overrides: Any) -> GenesisPortal:
    """The gateway's portal client for `server`, signed in as the tests' client."""
    url = portal_url(server)
    auth = dataclasses.replace(config_for(server, **overrides), base_url=url, scope=PORTAL_SCOPE)
    return GenesisPortal(PortalConfig(url, auth), http, Recorder())


def service_of(server: FhirServer) -> PortalService:
    (part,) = server.parts
    assert isinstance(part, PortalService)
    return part
