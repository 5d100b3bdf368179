"""Server profiles: which FHIR API a `FhirServer` speaks (generic R4 by default, or a vendor's)."""

from __future__ import annotations

from typing import Any, Protocol

from .auth import TokenPolicy
from .capability import capability_statement, smart_configuration
from .interactions import Authorize, Interactions
from .messages import FhirRequest, FhirResponse
from .store import ResourceStore

__all__ = ["Api", "GenericProfile", "Profile"]


class Api(Protocol):
    """The FHIR interactions of one server, free of any HTTP library."""

    base_url: str
    writable: bool
    match_enabled: bool

    async def handle(self, request: FhirRequest, authorize: Authorize) -> FhirResponse:
        """Answer one request; raises `FhirError` for an error answer."""
        ...


class Profile(Protocol):
    """What a server profile decides: the API, what `/metadata` says, what the token endpoint grants."""

    token_policy: TokenPolicy

    def interactions(self, store: ResourceStore, *, writable: bool, match_enabled: bool) -> Api: ...

    def capability_statement(
        self, name: str, base_url: str, token_url: str, *, writable: bool, match_enabled: bool
    ) -> dict[str, Any]: ...

    def smart_configuration(self, token_url: str) -> dict[str, Any]: ...


class GenericProfile:
    """A permissive FHIR R4 server: batch, `_sort`, `_total`, conditional create, PUT, any type."""

    token_policy = TokenPolicy()

    def interactions(self, store: ResourceStore, *, writable: bool, match_enabled: bool) -> Api:
        return Interactions(store, writable=writable, match_enabled=match_enabled)

    def capability_statement(
        self, name: str, base_url: str, token_url: str, *, writable: bool, match_enabled: bool
    ) -> dict[str, Any]:
        return capability_statement(name, base_url, token_url, writable=writable, match_enabled=match_enabled)

    def smart_configuration(self, token_url: str) -> dict[str, Any]:
        return smart_configuration(token_url)
