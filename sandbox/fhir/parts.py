"""`ServerPart`: a service a sandbox serves beside its FHIR API (the GENESIS patient portal)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from aiohttp import web

from .admin import FaultState
from .auth import Grant

__all__ = ["GrantOf", "ScopeCheck", "ServerPart"]

GrantOf = Callable[[str | None], Grant]
ScopeCheck = Callable[[Sequence[str]], frozenset[str]]


class ServerPart(Protocol):
    """Routes under its own `prefix`, signed in with the server's tokens (scopes of its own), with
    faults of its own at `/__admin/<name>/faults` besides the server's."""

    name: str
    prefix: str
    faults: FaultState
    token_url: str

    def grant_scopes(self, base: ScopeCheck) -> ScopeCheck:
        """The token endpoint's scope check, with this part's scopes granted too."""
        ...

    def routes(self, grant_of: GrantOf) -> list[web.RouteDef]: ...
