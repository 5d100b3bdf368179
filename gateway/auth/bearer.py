"""The `Authorization: Bearer` header → a verified Principal, in one call per request."""

from __future__ import annotations

from collections.abc import Mapping

from resolvers.principal import Principal

from .errors import AuthError, AuthReason
from .principal import principal_from_claims
from .verify import TokenVerifier

__all__ = ["Authenticator", "bearer_token"]

_MAX_TOKEN = 16_384


def bearer_token(headers: Mapping[str, str]) -> str:
    """The token from the Authorization header; AuthError(TOKEN_MISSING) when there is none."""
    value = headers.get("authorization", "")
    scheme, _, token = value.strip().partition(" ")
    if not value or scheme.lower() != "bearer" or not token.strip():
        raise AuthError(AuthReason.TOKEN_MISSING)
    token = token.strip()
    if len(token) > _MAX_TOKEN:
        raise AuthError(AuthReason.TOKEN_INVALID, "token too long")
    return token


class Authenticator:
    """Verifies the request's bearer token and builds its Principal."""

    def __init__(
        self,
        verifier: TokenVerifier,
        *,
        clinician_amr: str,
        analyst_amr: str | None = None,
        projects: frozenset[str] | None = None,
    ) -> None:
        self._verifier = verifier
        self._clinician_amr = clinician_amr
        self._analyst_amr = clinician_amr if analyst_amr is None else analyst_amr
        self._projects = projects

    async def authenticate(self, headers: Mapping[str, str]) -> Principal:
        claims = await self._verifier.verify(bearer_token(headers))
        return principal_from_claims(
            claims, clinician_amr=self._clinician_amr, analyst_amr=self._analyst_amr, projects=self._projects
        )
