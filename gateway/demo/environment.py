"""The environment the demo hands the gateway's own config loader, as an operator would."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from sandbox.issuer import Issuer

from .upstreams import Upstream

__all__ = ["gateway_environment"]


def gateway_environment(
    *,
    host: str,
    port: int,
    gateway_dsn: str,
    tol_dsn: str,
    genesis: Upstream,
    community: Upstream,
    issuer: Issuer,
    log_level: str,
    pseudonym_key: str | None = None,
    mart_dir: str | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    extra: Mapping[str, str] | None = None,
    portal: bool = True,
) -> dict[str, str]:
    """`MHS_GATEWAY_*` variables and `DATABASE_URL` for a gateway pointed at the sandboxes (plus
    `extra`, which may override any of them).

    The pseudonym secret is the one configured (`pseudonym_key`), else random for this start:
    nothing public (such as the seed) derives it, so the demo's pseudonyms cannot be recomputed.
    With `mart_dir`, cohorts are answered from the mart there, which exports the sandboxes' `groups`
    (by sandbox name); the demo stack runs the export itself (`MHS_GATEWAY_MART_REFRESH` stays off).
    Without `portal`, the gateway is not told where GENESIS's patient portal is."""
    mart = {
        "MHS_GATEWAY_MART_DIR": mart_dir,
        "MHS_GATEWAY_GENESIS_EXPORT_GROUPS": ",".join((groups or {}).get("genesis", ())),
        "MHS_GATEWAY_COMMUNITY_EXPORT_GROUPS": ",".join((groups or {}).get("community", ())),
    } if mart_dir else {}
    return {
        **mart,
        "MHS_GATEWAY_MODE": "demo",
        "MHS_GATEWAY_HOST": host,
        "MHS_GATEWAY_PORT": str(port),
        "DATABASE_URL": gateway_dsn,
        "MHS_GATEWAY_TOL_DSN": tol_dsn,
        "MHS_GATEWAY_ISSUER": issuer.issuer_url,
        "MHS_GATEWAY_AUDIENCE": issuer.audience,
        "MHS_GATEWAY_JWKS_URL": issuer.jwks_url,
        "MHS_GATEWAY_PSEUDONYM_KEY": pseudonym_key or secrets.token_urlsafe(32),
        "MHS_GATEWAY_LOG_LEVEL": log_level,
        # what the sandboxes offer is read at startup only: they do not change it unasked, and tests
        # count the requests they answer
        "MHS_GATEWAY_CAPABILITY_REFRESH": "0",
        **genesis.env("GENESIS", portal=portal),
        **community.env("COMMUNITY"),
        **(extra or {}),
    }
