"""The one way tests start a FHIR sandbox on loopback, with a client key the tests sign in with."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from sandbox.fhir import FhirServer

__all__ = ["running_fhir", "start_fhir"]


async def start_fhir(resources: Iterable[dict[str, Any]], clients: Mapping[str, dict[str, Any]],
                     name: str = "test", **kw: Any) -> FhirServer:
    """A started sandbox serving `resources`; `clients` maps client ids to their public JWKs."""
    server = FhirServer(name=name, resources=resources, clients=clients, **kw)
    await server.start(host="127.0.0.1", port=0)
    return server


@contextlib.asynccontextmanager
async def running_fhir(resources: Iterable[dict[str, Any]], clients: Mapping[str, dict[str, Any]],
                       name: str = "test", **kw: Any) -> AsyncIterator[FhirServer]:
    """`start_fhir`, stopped afterwards."""
    server = await start_fhir(resources, clients, name, **kw)
    try:
        yield server
    finally:
        await server.stop()
