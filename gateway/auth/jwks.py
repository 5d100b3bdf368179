"""The issuer's signing keys: fetched, cached, refetched on an unknown `kid` (rate-limited)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import jwt

from .errors import AuthError, AuthReason

__all__ = ["JwksCache"]


class JwksCache:
    """Keys by `kid`. A miss refetches at most once per `refresh_interval`; keys expire after
    `max_age` so retired keys drop out. Concurrent misses share one fetch."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        *,
        refresh_interval: float = 30.0,
        max_age: float = 3600.0,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session = session
        self._url = url
        self._refresh_interval = refresh_interval
        self._max_age = max_age
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self._last_error: AuthError | None = None
        self.fetches = 0  # how many times the JWKS was fetched (for metrics and tests)

    async def key(self, kid: str) -> jwt.PyJWK:
        """The key with this `kid`; AuthError(TOKEN_INVALID) when the issuer does not have it."""
        if not self._stale():
            found = self._keys.get(kid)
            if found is not None:
                return found
        async with self._lock:
            found = self._keys.get(kid)
            if self._stale() or (found is None and self._may_refetch()):
                await self._fetch()
                found = self._keys.get(kid)
        if found is None:
            if self._last_error is not None and not self._keys:
                raise AuthError(self._last_error.reason, self._last_error.detail)
            raise AuthError(AuthReason.TOKEN_INVALID, "signing key id not known to the issuer")
        return found

    def _stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self._max_age

    def _may_refetch(self) -> bool:
        return (
            self._fetched_at is None
            or self._clock() - self._fetched_at >= self._refresh_interval
        )

    async def _fetch(self) -> None:
        self.fetches += 1
        self._fetched_at = self._clock()
        try:
            async with self._session.get(self._url, timeout=self._timeout) as response:
                if response.status != 200:
                    raise AuthError(
                        AuthReason.ISSUER_UNAVAILABLE, f"JWKS answered HTTP {response.status}"
                    )
                document: Any = await response.json(content_type=None)
            self._keys = _parse_keys(document)
            self._last_error = None
        except (aiohttp.ClientError, TimeoutError, ValueError, AuthError) as error:
            self._last_error = (
                error
                if isinstance(error, AuthError)
                else AuthError(
                    AuthReason.ISSUER_UNAVAILABLE, f"JWKS fetch failed: {type(error).__name__}"
                )
            )
            # keep any keys we had (the issuer blipped) and try again after refresh_interval
            self._fetched_at = self._clock() - self._max_age + self._refresh_interval


def _parse_keys(document: Any) -> dict[str, jwt.PyJWK]:
    """Signing keys with a `kid` from a JWKS document; unusable entries are skipped."""
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise AuthError(AuthReason.ISSUER_UNAVAILABLE, "JWKS document has no keys list")
    keys: dict[str, jwt.PyJWK] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig" or entry.get("kty") == "oct":
            continue  # never accept a shared-secret key from a JWKS
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry)
        except (jwt.PyJWKError, jwt.InvalidKeyError):
            continue
    return keys
