"""What every GENESIS write shares: the write client, request identifiers, versions, ids."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from ...fhir.bundle import Bundle, Resource
from ...fhir.client import FhirClient
from ...fhir.mapping import MapContext
from ..name import GENESIS

__all__ = ["REQUEST_SYSTEM", "GenesisWriter", "map_context", "valid_id", "version_of"]

REQUEST_SYSTEM = "urn:mhs:gateway-request"  # identifies the gateway request that wrote a resource
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class GenesisWriter:
    """The handle resolvers get for GENESIS writes: a FhirClient signed in with write scopes."""

    source = GENESIS

    def __init__(self, client: FhirClient, clock: Callable[[], dt.datetime] = _utc_now) -> None:
        self.client = client
        self.now = clock


def valid_id(value: str) -> bool:
    """Whether `value` is a FHIR logical id (so it cannot smuggle search syntax into a URL)."""
    return bool(_FHIR_ID.match(value))


def version_of(resource: Mapping[str, Any]) -> str | None:
    """`meta.versionId`, for `If-Match`."""
    version = (resource.get("meta") or {}).get("versionId")
    return str(version) if version is not None else None


def map_context(writer: GenesisWriter, *resources: Resource, bundle: Bundle | None = None) -> MapContext:
    """A mapping context over `resources` (and `bundle`'s entries), as if a search returned them."""
    entries = [{"resource": r} for r in resources]
    if bundle is not None:
        entries += list(bundle.raw.get("entry") or ())
    bundle_all = Bundle({"resourceType": "Bundle", "entry": entries})
    return MapContext(writer.source, writer.now(), bundle_all, on_genesis=True)
