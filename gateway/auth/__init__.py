"""Sign-in: bearer tokens verified against the issuer's JWKS, turned into a Principal."""

from .bearer import Authenticator, bearer_token
from .errors import AuthError, AuthReason
from .jwks import JwksCache
from .principal import principal_from_claims
from .verify import TokenVerifier, accepted_algorithms

__all__ = [
    "AuthError",
    "AuthReason",
    "Authenticator",
    "JwksCache",
    "TokenVerifier",
    "accepted_algorithms",
    "bearer_token",
    "principal_from_claims",
]
