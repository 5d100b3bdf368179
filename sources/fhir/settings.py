"""A FHIR source's connection settings read from its own environment prefix."""

from __future__ import annotations

from ..spec import EnvReader
from .config import FhirSourceConfig

__all__ = ["read_fhir_settings"]


def read_fhir_settings(env: EnvReader, *, default_scope: str) -> FhirSourceConfig | None:
    """`URL` and its SMART backend-services credentials (`TOKEN_URL`, `CLIENT_ID`, `PRIVATE_KEY`,
    `KEY_ID`, `SCOPE`), plus `MAX_CONCURRENCY`; None when `URL` is not set."""
    base_url = env.url("URL")
    if base_url is None:
        return None
    why = f"is required with {env.name('URL')}"
    token_url = env.url("TOKEN_URL", required=True) or ""
    client_id = env.required("CLIENT_ID", why)
    key = env.secret_pem("PRIVATE_KEY")
    if key is None:
        env.required("PRIVATE_KEY", why)  # raises, naming the variable
    return FhirSourceConfig(
        base_url=base_url,
        token_url=token_url,
        client_id=client_id,
        private_key_pem=key or "",
        key_id=env.required("KEY_ID", why),
        scope=env.text("SCOPE", default_scope) or default_scope,
        max_concurrency=env.integer("MAX_CONCURRENCY", 8, minimum=1),
    )
