"""The patient portal's settings (`MHS_GATEWAY_GENESIS_PORTAL_*`), validated once at startup."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ...fhir.config import FhirSourceConfig
from ...spec import EnvReader

__all__ = ["PORTAL_SCOPE", "PortalConfig", "read_portal_settings"]

# The named scopes the portal's requests need (an assumption: docs/portal.md). One switch:
# `MHS_GATEWAY_GENESIS_PORTAL_SCOPE`.
PORTAL_SCOPE = (
    "portal/messages.read portal/messages.write portal/renewals.read portal/renewals.write "
    "portal/questionnaires.read portal/questionnaires.write"
)


@dataclass(frozen=True)
class PortalConfig:
    """Where the portal lives (`url`, its `/portal/v1` base) and how to sign in: the GENESIS SMART
    backend-services client, at the portal's token endpoint, with the portal's scopes (`auth`)."""

    url: str
    auth: FhirSourceConfig

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", self.url.rstrip("/"))


def read_portal_settings(env: EnvReader, fhir: FhirSourceConfig) -> PortalConfig | None:
    """`PORTAL_URL` (absent: no portal service), `PORTAL_TOKEN_URL` (default: GENESIS's
    `TOKEN_URL`) and `PORTAL_SCOPE` (default: the named portal scopes)."""
    url = env.url("PORTAL_URL")
    if url is None:
        return None
    token_url = env.url("PORTAL_TOKEN_URL") or fhir.token_url
    scope = env.text("PORTAL_SCOPE", PORTAL_SCOPE) or PORTAL_SCOPE
    return PortalConfig(url, dataclasses.replace(fhir, base_url=url, token_url=token_url, scope=scope))
