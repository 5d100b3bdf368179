"""The immutable settings of one FHIR upstream, validated once at startup."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["FhirSourceConfig"]


def _check_url(name: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"FhirSourceConfig.{name} must be an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise ValueError(f"FhirSourceConfig.{name} must not carry a query or fragment")


@dataclass(frozen=True)
class FhirSourceConfig:
    """Where a FHIR server lives, how to sign in to it, and how hard to lean on it."""

    base_url: str
    token_url: str
    client_id: str
    private_key_pem: str = field(repr=False)
    key_id: str
    scope: str = "system/*.read"
    timeout: float = 5.0
    max_concurrency: int = 32  # sized by bench/ (docs/genesis-adapter.md, "How many at once")
    retries: int = 2  # at most, per call; one while the source is failing
    breaker_failures: int = 5  # consecutive failed calls that open the breaker
    breaker_reset: float = 10.0  # seconds the breaker stays open before one probe call
    page_size: int = 100
    retry_budget: float = 0.2  # retries as a share of the calls of the last 10 seconds
    retry_reserve: float = 1.0  # retries per second allowed whatever the share
    call_timeout: float | None = None  # one attempt's limit (None: the request's deadline only)

    def __post_init__(self) -> None:
        _check_url("base_url", self.base_url)
        _check_url("token_url", self.token_url)
        if self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        for name in ("client_id", "key_id", "scope"):
            if not getattr(self, name).strip():
                raise ValueError(f"FhirSourceConfig.{name} must not be empty")
        if "PRIVATE KEY" not in self.private_key_pem:
            raise ValueError("FhirSourceConfig.private_key_pem must be a PEM private key")
        if not self.timeout > 0:
            raise ValueError("FhirSourceConfig.timeout must be positive")
        if self.max_concurrency < 1:
            raise ValueError("FhirSourceConfig.max_concurrency must be at least 1")
        if self.retries < 0:
            raise ValueError("FhirSourceConfig.retries must not be negative")
        if self.breaker_failures < 1:
            raise ValueError("FhirSourceConfig.breaker_failures must be at least 1")
        if not self.breaker_reset > 0:
            raise ValueError("FhirSourceConfig.breaker_reset must be positive")
        if not 0.0 <= self.retry_budget <= 1.0:
            raise ValueError("FhirSourceConfig.retry_budget must be between 0 and 1")
        if self.retry_reserve < 0:
            raise ValueError("FhirSourceConfig.retry_reserve must not be negative")
        if self.call_timeout is not None and not self.call_timeout > 0:
            raise ValueError("FhirSourceConfig.call_timeout must be positive")
        if not 1 <= self.page_size <= 1000:
            raise ValueError("FhirSourceConfig.page_size must be between 1 and 1000")
