"""The shared FHIR R4 client (SMART backend services, retries, breaker) used by FHIR sources."""

from .auth import SmartAuth
from .breaker import BreakerState, CircuitBreaker
from .bundle import Bundle, Resource
from .client import FhirClient, Params, search_url
from .config import FhirSourceConfig

__all__ = [
    "BreakerState",
    "Bundle",
    "CircuitBreaker",
    "FhirClient",
    "FhirSourceConfig",
    "Params",
    "Resource",
    "SmartAuth",
    "search_url",
]
