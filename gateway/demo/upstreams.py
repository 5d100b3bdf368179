"""The two FHIR sandboxes (GENESIS, community), each with its own SMART client key pair."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.fhir import BulkProfile, FhirServer, make_client_keypair
from sandbox.millennium import MillenniumProfile, millennium_resources
from sandbox.portal import PORTAL_PREFIX, PortalService, portal_resources

from .errors import StackStartError

__all__ = ["GENESIS_SPEAKS_MILLENNIUM", "Upstream", "apply_faults", "start_upstream"]

GENESIS_SPEAKS_MILLENNIUM = True
"""True: the GENESIS sandbox answers as Oracle Health Millennium's FHIR R4 API does (its id shapes,
no batch, no `_sort`, JSON Patch writes, named scopes only; see docs/millennium-rules.md), and the
GENESIS adapter speaks it. The community sandbox stays generic FHIR R4."""


@dataclass(slots=True)
class Upstream:
    """A running FHIR sandbox (with the patient portal it serves, if any) and the credentials the
    gateway uses against it."""

    name: str
    server: FhirServer
    client_id: str
    private_pem: str = field(repr=False)
    kid: str
    portal: PortalService | None = None

    @property
    def portal_url(self) -> str:
        """The patient portal's base, e.g. http://127.0.0.1:PORT/portal/v1."""
        return self.server.base_url.removesuffix("/fhir") + PORTAL_PREFIX

    def env(self, prefix: str, *, portal: bool = True) -> dict[str, str]:
        """The gateway's `MHS_GATEWAY_<PREFIX>_*` variables for this upstream (with `portal`, the
        patient portal's URL when the sandbox serves one)."""
        out = {
            f"MHS_GATEWAY_{prefix}_URL": self.server.base_url,
            f"MHS_GATEWAY_{prefix}_TOKEN_URL": self.server.token_url,
            f"MHS_GATEWAY_{prefix}_CLIENT_ID": self.client_id,
            f"MHS_GATEWAY_{prefix}_PRIVATE_KEY": self.private_pem,
            f"MHS_GATEWAY_{prefix}_KEY_ID": self.kid,
        }
        if portal and self.portal is not None:
            out[f"MHS_GATEWAY_{prefix}_PORTAL_URL"] = self.portal_url
        return out


async def start_upstream(
    name: str,
    resources: Sequence[dict[str, Any]],
    *,
    host: str,
    match_enabled: bool,
    writable: bool,
    millennium: bool | None = None,
    bulk: BulkProfile | None = None,
    portal: bool = False,
) -> Upstream:
    """Start one sandbox on a free loopback port, trusting a freshly made client key.

    `millennium` (default: `GENESIS_SPEAKS_MILLENNIUM` for the "genesis" sandbox) reshapes the
    data and serves it with the Millennium profile. With `portal`, the sandbox also serves the
    patient portal (`/portal/v1`) over the same data's messages, renewals and questionnaires."""
    if millennium is None:
        millennium = name == "genesis" and GENESIS_SPEAKS_MILLENNIUM
    private_pem, public_jwk, kid = make_client_keypair()
    client_id = f"mhs-gateway-{name}"
    service = PortalService(portal_resources(resources, millennium=millennium)) if portal else None
    server = FhirServer(
        name=name,
        resources=millennium_resources(resources) if millennium else resources,
        clients={client_id: public_jwk},
        match_enabled=match_enabled and not millennium,
        writable=writable,
        profile=MillenniumProfile() if millennium else None,
        bulk=bulk,
        parts=(service,) if service is not None else (),
    )
    await server.start(host, 0)
    return Upstream(name=name, server=server, client_id=client_id, private_pem=private_pem, kid=kid,
                    portal=service)  # fmt: skip


async def apply_faults(upstream: Upstream, faults: Mapping[str, Any]) -> None:
    """Set the sandbox's injected faults through its admin surface, as a test would."""
    url = f"{upstream.server.admin_url.rstrip('/')}/faults"
    async with aiohttp.ClientSession() as session, session.put(url, json=dict(faults)) as resp:
        if resp.status >= 300:
            reason = f"PUT faults answered HTTP {resp.status}"
            raise StackStartError(part=upstream.name, reason=reason)
