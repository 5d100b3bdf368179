"""`MillenniumProfile`: switch a `FhirServer` from generic FHIR R4 to Millennium's API."""

from __future__ import annotations

from typing import Any

from sandbox.fhir.profile import Api
from sandbox.fhir.store import ResourceStore

from .api import MillenniumApi
from .capability import capability_statement, smart_configuration
from .scopes import TOKEN_POLICY
from .versions import Locks

__all__ = ["MillenniumProfile"]


class MillenniumProfile:
    """`FhirServer(..., profile=MillenniumProfile())`. Use one profile per server: `locks` are the
    resources its writes are modifying (a test may hold one to see the documented 423)."""

    token_policy = TOKEN_POLICY

    def __init__(self) -> None:
        self.locks = Locks()

    def interactions(self, store: ResourceStore, *, writable: bool, match_enabled: bool) -> Api:
        if match_enabled:
            raise ValueError("Millennium offers no Patient/$match")
        return MillenniumApi(store, writable=writable, locks=self.locks)

    def capability_statement(
        self, name: str, base_url: str, token_url: str, *, writable: bool, match_enabled: bool
    ) -> dict[str, Any]:
        return capability_statement(name, base_url, token_url)

    def smart_configuration(self, token_url: str) -> dict[str, Any]:
        return smart_configuration(token_url)
