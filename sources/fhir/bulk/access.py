"""What every bulk request shares: the server, the SMART token, the observer; tokens stay on its origin."""

from __future__ import annotations

from urllib.parse import urlsplit

import aiohttp

from ...calls.observe import NullObserver, UpstreamObserver
from ...records import RecordSource
from ..auth import SmartAuth
from ..config import FhirSourceConfig
from .errors import ManifestUnreadable

__all__ = ["FHIR_JSON", "KIND", "NDJSON", "BulkAccess"]

FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"
KIND = "bulk-export"


class BulkAccess:
    """One FHIR server's bulk endpoints as this client reaches them."""

    def __init__(
        self,
        source: RecordSource,
        config: FhirSourceConfig,
        session: aiohttp.ClientSession,
        observer: UpstreamObserver | None = None,
    ) -> None:
        self.source = source
        self.config = config
        self.session = session
        self.observer = observer or NullObserver()
        self.auth = SmartAuth(source, config, session, self.observer)

    async def token_for(self, url: str) -> str:
        """A bearer token, only ever for a URL on the FHIR server's own origin."""
        if _origin(url) != _origin(self.config.base_url):
            raise ManifestUnreadable(self.source, "the server named a URL outside its own origin")
        return await self.auth.token()


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
