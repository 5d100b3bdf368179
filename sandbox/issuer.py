"""The sign-in sandbox: an OpenID-style issuer standing in for DS Logon / CAC (demo and tests)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Mapping
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

__all__ = ["DEFAULT_AUDIENCE", "Issuer"]

DEFAULT_AUDIENCE = "mhs-gateway"
_DEFAULT_AMR = {"clinician": ["cac"], "patient": ["dslogon"], "analyst": ["cac"]}


def _thumbprint(key: rsa.RSAPrivateKey) -> str:
    """The RFC 7638 thumbprint of the public key, used as `kid` (`mhs-gateway token` agrees)."""
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Issuer:
    """An RS256 signing key served as a JWKS, and `mint()` to sign tokens for any role.

    Pass `private_pem` to reuse a key (the demo stores its key so `mhs-gateway token` can sign
    with it); otherwise a fresh 2048-bit RSA key is generated. The `kid` defaults to the key's
    RFC 7638 thumbprint, which `mhs-gateway token` computes the same way. The issuer URL
    defaults to the address `start()` binds.
    """

    def __init__(
        self,
        issuer_url: str | None = None,
        *,
        audience: str = DEFAULT_AUDIENCE,
        private_pem: str | None = None,
        kid: str | None = None,
    ) -> None:
        if private_pem is None:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            private_pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode()
        loaded = serialization.load_pem_private_key(private_pem.encode(), password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise ValueError("the sign-in sandbox signs with an RSA key")
        self._key = loaded
        self.private_pem = private_pem
        self.kid = kid or _thumbprint(self._key)
        self.audience = audience
        self._issuer_url = issuer_url
        self._runner: web.AppRunner | None = None
        self.jwks_requests = 0  # how many times the JWKS was fetched (tests check refetching)
        self.app = self._build_app()

    def rotate_key(self) -> None:
        """Switch to a fresh key and kid (the JWKS then serves only the new key)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._key = key
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.kid = _thumbprint(key)

    @property
    def issuer_url(self) -> str:
        if self._issuer_url is None:
            raise RuntimeError("the issuer has no URL until start() binds a port")
        return self._issuer_url

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer_url}/jwks.json"

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return jwk

    def mint(
        self,
        role: str,
        subject: str,
        facility: str | None = None,
        ttl: int = 3600,
        amr: list[str] | None = None,
        extra_claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed RS256 token; `extra_claims` override the standard ones (for negative tests)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer_url,
            "aud": self.audience,
            "sub": subject,
            "role": role,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
            "amr": list(amr) if amr is not None else list(_DEFAULT_AMR.get(role, [])),
        }
        if facility is not None:
            claims["facility"] = facility
        claims.update(extra_claims or {})
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve the discovery document and JWKS; returns the issuer URL."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        if self._issuer_url is None:
            bound = self._runner.addresses[0]
            self._issuer_url = f"http://{bound[0]}:{bound[1]}"
        return self.issuer_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/.well-known/openid-configuration", self._discovery)
        app.router.add_get("/jwks.json", self._jwks)
        return app

    async def _discovery(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": self.issuer_url,
                "jwks_uri": self.jwks_url,
                "id_token_signing_alg_values_supported": ["RS256"],
                "claims_supported": ["sub", "role", "facility", "amr", "jti"],
            }
        )

    async def _jwks(self, request: web.Request) -> web.Response:
        self.jwks_requests += 1
        return web.json_response({"keys": [self.public_jwk()]})
