"""The environment the demo hands the gateway's own config loader, as an operator would."""

from __future__ import annotations

from collections.abc import Mapping

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
    seed: int,
    log_level: str,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """`MHS_GATEWAY_*` variables and `DATABASE_URL` for a gateway pointed at the sandboxes (plus
    `extra`, which may override any of them)."""
    return {
        "MHS_GATEWAY_MODE": "demo",
        "MHS_GATEWAY_HOST": host,
        "MHS_GATEWAY_PORT": str(port),
        "DATABASE_URL": gateway_dsn,
        "MHS_GATEWAY_TOL_DSN": tol_dsn,
        "MHS_GATEWAY_ISSUER": issuer.issuer_url,
        "MHS_GATEWAY_AUDIENCE": issuer.audience,
        "MHS_GATEWAY_JWKS_URL": issuer.jwks_url,
        # Stable per seed, so an analyst sees the same pseudonyms after a restart.
        "MHS_GATEWAY_PSEUDONYM_KEY": f"demo-only-pseudonym-key-{seed}",
        "MHS_GATEWAY_LOG_LEVEL": log_level,
        **genesis.env("GENESIS"),
        **community.env("COMMUNITY"),
        **(extra or {}),
    }
