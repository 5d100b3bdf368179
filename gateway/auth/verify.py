"""Bearer-token verification: pinned asymmetric algorithms, issuer, audience and time claims."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from typing import Any, Protocol

import jwt

from .errors import AuthError, AuthReason

__all__ = ["KeySource", "TokenVerifier", "accepted_algorithms"]

_NEVER = frozenset({"none", "hs256", "hs384", "hs512"})
_REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


class KeySource(Protocol):
    """Where verification keys come from (the JWKS cache)."""

    async def key(self, kid: str) -> jwt.PyJWK: ...


def accepted_algorithms(configured: tuple[str, ...]) -> tuple[str, ...]:
    """The configured algorithms minus `none` and every HMAC one, whatever the config says."""
    return tuple(alg for alg in configured if alg.lower() not in _NEVER)


class TokenVerifier:
    """Checks a compact JWS and returns its claims, or raises AuthError with a reason."""

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        algorithms: tuple[str, ...],
        leeway: float = 30.0,
        max_cached: int = 10_000,
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._algorithms = accepted_algorithms(algorithms)
        self._leeway = leeway
        # Verified claims by the token's SHA-256 (never the token), until the token expires: a
        # client sends the same token with every request, and checking its signature is costly.
        self._verified: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self._max_cached = max_cached

    async def verify(self, token: str) -> dict[str, Any]:
        """The verified claims of `token` (from the cache while it has not expired)."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        cached = self._verified.get(digest)
        if cached is not None and time.time() < cached[0]:
            self._verified.move_to_end(digest)
            return dict(cached[1])
        claims = await self._verify(token)
        expires = claims.get("exp")
        if isinstance(expires, int | float) and not isinstance(expires, bool):
            self._verified[digest] = (float(expires) + self._leeway, dict(claims))
            self._verified.move_to_end(digest)
            while len(self._verified) > self._max_cached:
                self._verified.popitem(last=False)
        return claims

    async def _verify(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise AuthError(AuthReason.TOKEN_INVALID, "not a compact JWS") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._algorithms:
            raise AuthError(AuthReason.TOKEN_INVALID, f"algorithm {str(alg)[:10]!r} refused")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError(AuthReason.TOKEN_INVALID, "header has no kid")
        key = await self._keys.key(kid)
        if key.algorithm_name != alg:
            raise AuthError(AuthReason.TOKEN_INVALID, "key does not sign with this algorithm")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=[alg],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": _REQUIRED_CLAIMS, "strict_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError(AuthReason.TOKEN_EXPIRED) from None
        except jwt.ImmatureSignatureError:
            raise AuthError(AuthReason.TOKEN_NOT_YET_VALID) from None
        except jwt.InvalidIssuerError:
            raise AuthError(AuthReason.TOKEN_WRONG_ISSUER) from None
        except jwt.InvalidAudienceError:
            raise AuthError(AuthReason.TOKEN_WRONG_AUDIENCE) from None
        except jwt.MissingRequiredClaimError as error:
            raise AuthError(AuthReason.TOKEN_INVALID, f"claim {error.claim!r} missing") from None
        except (jwt.InvalidTokenError, jwt.PyJWKError) as error:
            raise AuthError(AuthReason.TOKEN_INVALID, type(error).__name__) from None
        return claims
