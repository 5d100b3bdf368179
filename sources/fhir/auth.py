"""SMART backend services sign-in: a signed client assertion traded for a cached access token."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import aiohttp
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from ..calls.deadline import remaining
from ..calls.observe import UpstreamObserver
from ..errors import SourceTimeout, SourceUnavailable, UpstreamRejected
from ..records import RecordSource
from .config import FhirSourceConfig

__all__ = ["SmartAuth"]

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_ASSERTION_LIFETIME = 300
_REFRESH_MARGIN = 30.0  # renew this many seconds before the token runs out


def _algorithm(key: object) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return "RS384"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "ES384"
    raise ValueError("the client key must be an RSA or EC private key")


class SmartAuth:
    """Gets, caches and renews one bearer token for one FHIR upstream; one renewal at a time."""

    def __init__(
        self,
        source: RecordSource,
        config: FhirSourceConfig,
        session: aiohttp.ClientSession,
        observer: UpstreamObserver,
    ) -> None:
        self._source = source
        self._config = config
        self._session = session
        self._observer = observer
        self._key = load_pem_private_key(config.private_key_pem.encode(), password=None)
        self._alg = _algorithm(self._key)
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.tokens_fetched = 0

    def assertion(self) -> str:
        """A fresh client assertion JWT (iss = sub = client id, aud = token URL, 5 minutes)."""
        now = int(time.time())
        claims = {
            "iss": self._config.client_id,
            "sub": self._config.client_id,
            "aud": self._config.token_url,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "exp": now + _ASSERTION_LIFETIME,
        }
        headers = {"kid": self._config.key_id, "typ": "JWT"}
        return jwt.encode(claims, self._key, algorithm=self._alg, headers=headers)  # type: ignore[arg-type]

    async def token(self) -> str:
        """A valid access token, fetched only when the cached one is missing or about to expire."""
        if self._fresh():
            assert self._token is not None
            return self._token
        async with self._lock:
            if not self._fresh():
                await self._fetch()
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget `token` (the server refused it); a later call fetches a new one."""
        if self._token == token:
            self._token = None
            self._expires_at = 0.0

    def _fresh(self) -> bool:
        return self._token is not None and time.monotonic() < self._expires_at

    async def _fetch(self) -> None:
        budget = min(self._config.timeout, remaining())
        if budget <= 0:
            raise SourceTimeout(self._source)
        form = {
            "grant_type": "client_credentials",
            "scope": self._config.scope,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.assertion(),
        }
        started = time.monotonic()
        status = "error"
        try:
            async with self._session.post(
                self._config.token_url, data=form, timeout=aiohttp.ClientTimeout(total=budget)
            ) as resp:
                status = str(resp.status)
                if resp.status != 200:
                    raise UpstreamRejected(self._source, resp.status, self._config.token_url)
                body: Any = await resp.json(content_type=None)
        except TimeoutError as exc:
            status = "timeout"
            raise SourceTimeout(self._source, "token request timed out") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            detail = "token endpoint unreachable or unreadable"
            raise SourceUnavailable(self._source, detail) from exc
        finally:
            self._observer.upstream_call(self._source, "auth", status, time.monotonic() - started)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise SourceUnavailable(self._source, "token endpoint gave no access token")
        lifetime = body.get("expires_in", 300)
        lifetime = float(lifetime) if isinstance(lifetime, int | float) else 300.0
        self._token = token
        self._expires_at = started + max(lifetime - _REFRESH_MARGIN, lifetime / 2)
        self.tokens_fetched += 1
