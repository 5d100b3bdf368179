"""A FHIR source's connection settings read from its own environment prefix."""

from __future__ import annotations

from ..spec import EnvReader
from .config import FhirSourceConfig

__all__ = ["export_groups", "read_fhir_settings"]

_GROUP = r"[A-Za-z0-9\-.]{1,64}"


def read_fhir_settings(env: EnvReader, *, default_scope: str) -> FhirSourceConfig | None:
    """`URL` and its SMART backend-services credentials (`TOKEN_URL`, `CLIENT_ID`, `PRIVATE_KEY`,
    `KEY_ID`, `SCOPE`), how hard to lean on it (`MAX_CONCURRENCY`, `TIMEOUT` per attempt), how to
    retry (`RETRIES`, `RETRY_BUDGET` as a percentage of recent calls, `RETRY_RESERVE` per second)
    and when to stop (`BREAKER_FAILURES`, `BREAKER_RESET` seconds); None when `URL` is not set."""
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
        max_concurrency=env.integer("MAX_CONCURRENCY", 32, minimum=1),
        retries=env.integer("RETRIES", 2),
        retry_budget=env.number("RETRY_BUDGET", 20.0, low_inclusive=True, high=100.0) / 100.0,
        retry_reserve=env.number("RETRY_RESERVE", 1.0, low_inclusive=True),
        breaker_failures=env.integer("BREAKER_FAILURES", 5, minimum=1),
        breaker_reset=env.number("BREAKER_RESET", 10.0),
        call_timeout=env.number("TIMEOUT", 0.0, low_inclusive=True) or None,
    )


def export_groups(env: EnvReader) -> tuple[str, ...]:
    """`EXPORT_GROUPS`: the Bulk Data Group ids the mart's export job reads, comma-separated."""
    return env.identifiers("EXPORT_GROUPS", _GROUP)
