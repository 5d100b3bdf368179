"""Forged and stale tokens against the running gateway: 401 in GraphQL JSON, never executed."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import aiohttp
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox.issuer import Issuer

from .conftest import AUDIENCE

QUERY = {"query": "{ __typename }"}


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(issuer: Issuer) -> dict[str, object]:
    now = int(time.time())
    return {"iss": issuer.issuer_url, "aud": AUDIENCE, "sub": "1000000001", "role": "patient",
            "iat": now, "nbf": now, "exp": now + 600, "jti": "j1"}


def _alg_none(issuer: Issuer) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': issuer.kid})}.{_b64(_claims(issuer))}."


def _wrong_key(issuer: Issuer) -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(_claims(issuer), other, algorithm="RS256", headers={"kid": issuer.kid})


def _tampered(issuer: Issuer) -> str:
    header, payload, signature = issuer.mint("patient", "1000000001").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "1000000002"
    return f"{header}.{_b64(claims)}.{signature}"


FORGERIES: dict[str, tuple[Callable[[Issuer], str], str]] = {
    "alg none": (_alg_none, "TOKEN_INVALID"),
    "wrong key": (_wrong_key, "TOKEN_INVALID"),
    "tampered claims": (_tampered, "TOKEN_INVALID"),
    "wrong issuer": (lambda i: i.mint("patient", "1000000001", extra_claims={"iss": "http://evil"}),
                     "TOKEN_WRONG_ISSUER"),
    "wrong audience": (lambda i: i.mint("patient", "1000000001", extra_claims={"aud": "other-app"}),
                       "TOKEN_WRONG_AUDIENCE"),
    "expired": (lambda i: i.mint("patient", "1000000001", ttl=-3600), "TOKEN_EXPIRED"),
    "not a JWT": (lambda i: "abc.def.ghi", "TOKEN_INVALID"),
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
async def test_forged_token_is_401_json(gateway_url: str, issuer: Issuer,
                                        http: aiohttp.ClientSession, forgery: str) -> None:
    make, reason = FORGERIES[forgery]
    token = make(issuer)
    async with http.post(f"{gateway_url}/graphql", json=QUERY,
                         headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == 401
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        body = await response.json()
    assert body == {"errors": [{"message": body["errors"][0]["message"],
                                "extensions": {"code": "UNAUTHENTICATED", "reason": reason}}]}
    assert "data" not in body and token not in json.dumps(body)
