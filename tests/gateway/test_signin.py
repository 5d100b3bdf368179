"""Sign-in against the sandbox issuer: good tokens for each role pass, every forgery is refused."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator

import aiohttp
import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.auth import (
    Authenticator,
    AuthError,
    AuthReason,
    JwksCache,
    TokenVerifier,
)
from resolvers.principal import Role
from sandbox.issuer import Issuer

from .conftest import AUDIENCE

PROJECT = {"mhs_project": "signin-study"}


@pytest_asyncio.fixture(loop_scope="session")
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


def _authenticator(
    issuer: Issuer, session: aiohttp.ClientSession, *, refresh: float = 30.0,
    algs: tuple[str, ...] = ("RS256", "ES256"),
) -> tuple[Authenticator, JwksCache]:
    jwks = JwksCache(session, issuer.jwks_url, refresh_interval=refresh)
    verifier = TokenVerifier(
        jwks, issuer=issuer.issuer_url, audience=AUDIENCE, algorithms=algs, leeway=30
    )
    return Authenticator(verifier, clinician_amr="cac"), jwks


async def _reason(auth: Authenticator, token: str) -> AuthReason:
    with pytest.raises(AuthError) as caught:
        await auth.authenticate({"authorization": f"Bearer {token}"})
    assert token not in str(caught.value)  # the token never lands in a message
    return caught.value.reason


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_each_role_signs_in(issuer: Issuer, session: aiohttp.ClientSession) -> None:
    auth, _ = _authenticator(issuer, session)
    patient = await auth.authenticate(
        {"authorization": "Bearer " + issuer.mint("patient", "1000000001")}
    )
    assert (patient.role, patient.subject, patient.strong_auth) == (
        Role.PATIENT, "1000000001", False,
    )
    assert patient.token_id
    clinician = await auth.authenticate(
        {"authorization": "Bearer " + issuer.mint("clinician", "prac-1", facility="fac-1")}
    )
    assert (clinician.role, clinician.facility, clinician.strong_auth) == (
        Role.CLINICIAN, "fac-1", True,
    )
    analyst = await auth.authenticate(
        {"authorization": "Bearer " + issuer.mint("analyst", "a1", extra_claims=PROJECT)}
    )
    assert (analyst.role, analyst.project) == (Role.ANALYST, "signin-study")


async def test_token_ids_are_unique(issuer: Issuer) -> None:
    first = jwt.decode(issuer.mint("patient", "1000000001"), options={"verify_signature": False})
    second = jwt.decode(issuer.mint("patient", "1000000001"), options={"verify_signature": False})
    assert first["jti"] != second["jti"]


async def test_alg_none_is_refused(issuer: Issuer, session: aiohttp.ClientSession) -> None:
    auth, _ = _authenticator(issuer, session, algs=("RS256", "none"))
    now = int(time.time())
    claims = {"iss": issuer.issuer_url, "aud": AUDIENCE, "sub": "1000000001", "role": "patient",
              "iat": now, "nbf": now, "exp": now + 600}
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': issuer.kid})}.{_b64(claims)}."
    assert await _reason(auth, unsigned) is AuthReason.TOKEN_INVALID


async def test_hs256_signed_with_the_public_key_is_refused(
    issuer: Issuer, session: aiohttp.ClientSession
) -> None:
    auth, _ = _authenticator(issuer, session, algs=("RS256", "HS256"))
    public_pem = serialization.load_pem_private_key(
        issuer.private_pem.encode(), password=None
    ).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    now = int(time.time())
    claims = {"iss": issuer.issuer_url, "aud": AUDIENCE, "sub": "1000000001", "role": "patient",
              "iat": now, "nbf": now, "exp": now + 600}
    header = _b64({"alg": "HS256", "typ": "JWT", "kid": issuer.kid})
    import hashlib
    import hmac

    signing_input = f"{header}.{_b64(claims)}".encode()
    signature = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    forged = signing_input.decode() + "." + base64.urlsafe_b64encode(signature).rstrip(
        b"="
    ).decode()
    assert await _reason(auth, forged) is AuthReason.TOKEN_INVALID


async def test_wrong_key_is_refused(issuer: Issuer, session: aiohttp.ClientSession) -> None:
    auth, _ = _authenticator(issuer, session)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {"iss": issuer.issuer_url, "aud": AUDIENCE, "sub": "1000000001", "role": "patient",
              "iat": now, "nbf": now, "exp": now + 600}
    forged = jwt.encode(claims, other, algorithm="RS256", headers={"kid": issuer.kid})
    assert await _reason(auth, forged) is AuthReason.TOKEN_INVALID


async def test_tampered_claims_are_refused(issuer: Issuer, session: aiohttp.ClientSession) -> None:
    auth, _ = _authenticator(issuer, session)
    header, payload, signature = issuer.mint("patient", "1000000001").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "1000000002"
    assert await _reason(auth, f"{header}.{_b64(claims)}.{signature}") is AuthReason.TOKEN_INVALID


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"iss": "http://127.0.0.1:1/other"}, AuthReason.TOKEN_WRONG_ISSUER),
        ({"aud": "someone-else"}, AuthReason.TOKEN_WRONG_AUDIENCE),
        ({"exp": int(time.time()) - 120}, AuthReason.TOKEN_EXPIRED),
        ({"nbf": int(time.time()) + 600}, AuthReason.TOKEN_NOT_YET_VALID),
        ({"role": "admin"}, AuthReason.TOKEN_CLAIMS_INVALID),
        ({"sub": "not-a-dod-id"}, AuthReason.TOKEN_CLAIMS_INVALID),
    ],
)
async def test_bad_claims_are_refused(
    issuer: Issuer, session: aiohttp.ClientSession, overrides: dict[str, object],
    reason: AuthReason,
) -> None:
    auth, _ = _authenticator(issuer, session)
    token = issuer.mint("patient", "1000000001", extra_claims=overrides)
    assert await _reason(auth, token) is reason


async def test_clinician_without_cac_or_facility_is_refused(
    issuer: Issuer, session: aiohttp.ClientSession
) -> None:
    auth, _ = _authenticator(issuer, session)
    no_cac = issuer.mint("clinician", "prac-1", facility="fac-1", amr=["pwd"])
    assert await _reason(auth, no_cac) is AuthReason.STRONG_AUTH_REQUIRED
    no_facility = issuer.mint("clinician", "prac-1")
    assert await _reason(auth, no_facility) is AuthReason.TOKEN_CLAIMS_INVALID


async def test_unknown_kid_refetches_the_jwks_once(session: aiohttp.ClientSession) -> None:
    rotating = Issuer(audience=AUDIENCE)
    await rotating.start("127.0.0.1", 0)
    try:
        auth, _ = _authenticator(rotating, session, refresh=0)
        await auth.authenticate({"authorization": "Bearer " + rotating.mint("analyst", "a1", extra_claims=PROJECT)})
        assert rotating.jwks_requests == 1
        rotating.rotate_key()
        new_token = rotating.mint("analyst", "a1", extra_claims=PROJECT)
        await auth.authenticate({"authorization": f"Bearer {new_token}"})
        assert rotating.jwks_requests == 2
        await auth.authenticate({"authorization": f"Bearer {new_token}"})
        assert rotating.jwks_requests == 2  # cached again
    finally:
        await rotating.stop()


async def test_unknown_kid_refetch_is_rate_limited(session: aiohttp.ClientSession) -> None:
    rotating = Issuer(audience=AUDIENCE)
    await rotating.start("127.0.0.1", 0)
    try:
        auth, _ = _authenticator(rotating, session, refresh=3600)
        await auth.authenticate({"authorization": "Bearer " + rotating.mint("analyst", "a1", extra_claims=PROJECT)})
        stranger = jwt.encode(
            {"sub": "a1"}, rotating.private_pem, algorithm="RS256", headers={"kid": "unknown"}
        )
        for _ in range(3):
            assert await _reason(auth, stranger) is AuthReason.TOKEN_INVALID
        assert rotating.jwks_requests == 1
    finally:
        await rotating.stop()


async def test_missing_or_malformed_header(issuer: Issuer, session: aiohttp.ClientSession) -> None:
    auth, _ = _authenticator(issuer, session)
    for headers in ({}, {"authorization": "Basic dXNlcjpwYXNz"}, {"authorization": "Bearer "}):
        with pytest.raises(AuthError) as caught:
            await auth.authenticate(headers)
        assert caught.value.reason is AuthReason.TOKEN_MISSING
    assert await _reason(auth, "not.a.jwt") is AuthReason.TOKEN_INVALID


async def test_issuer_down_is_503_not_401(session: aiohttp.ClientSession) -> None:
    gone = Issuer(audience=AUDIENCE)
    await gone.start("127.0.0.1", 0)
    token = gone.mint("analyst", "a1", extra_claims=PROJECT)
    auth, _ = _authenticator(gone, session)
    await gone.stop()
    with pytest.raises(AuthError) as caught:
        await auth.authenticate({"authorization": f"Bearer {token}"})
    assert caught.value.reason is AuthReason.ISSUER_UNAVAILABLE
    assert caught.value.status == 503
