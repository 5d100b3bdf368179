"""Verified tokens are remembered until they expire: the signature is checked once, never after."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.auth import AuthError, TokenVerifier

ISSUER, AUDIENCE = "https://issuer.example", "mhs-gateway"


class _Keys:
    """One RSA key under kid k1; counts how often verification asked for it."""

    def __init__(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.asked = 0

    async def key(self, kid: str) -> jwt.PyJWK:
        self.asked += 1
        return jwt.PyJWK.from_dict({**jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True),
                                    "kid": kid, "alg": "RS256"})

    def token(self, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "1000000001", "iat": now, "exp": now + 300, **claims}
        return jwt.encode(body, self.private, algorithm="RS256", headers={"kid": "k1"})


async def test_a_token_is_verified_once_and_remembered_until_it_expires() -> None:
    keys = _Keys()
    verifier = TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE, algorithms=("RS256",), leeway=0)
    token = keys.token()
    first = await verifier.verify(token)
    assert await verifier.verify(token) == first and keys.asked == 1  # the second time costs nothing

    expired = keys.token(iat=int(time.time()) - 20, exp=int(time.time()) + 1)
    await verifier.verify(expired)
    time.sleep(1.1)  # noqa: ASYNC251  (past `exp`: the remembered claims are no longer good)
    with pytest.raises(AuthError):
        await verifier.verify(expired)


async def test_a_forged_token_is_never_taken_from_the_cache() -> None:
    keys = _Keys()
    verifier = TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE, algorithms=("RS256",))
    token = keys.token()
    await verifier.verify(token)
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    with pytest.raises(AuthError):
        await verifier.verify(forged)
