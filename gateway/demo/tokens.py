"""Minting sign-in tokens with a demo issuer's key (`mhs-gateway token`); never for production."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from gateway.auth.principal import PROJECT_CLAIM

__all__ = ["DEFAULT_AMR", "TokenKeyError", "key_thumbprint", "mint_token"]

DEFAULT_AMR = {"clinician": ("cac",), "patient": ("dslogon",), "analyst": ("cac",)}


class TokenKeyError(Exception):
    """The signing key could not be used (not PEM, or not an RSA / P-256 key)."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(f"signing key unusable: {problem}")


def _load(private_pem: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    except (ValueError, TypeError):
        raise TokenKeyError("not an unencrypted PEM private key") from None
    if isinstance(key, rsa.RSAPrivateKey):
        return key
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    raise TokenKeyError("only RSA and P-256 keys are supported")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key_thumbprint(private_pem: str) -> str:
    """The RFC 7638 JWK thumbprint of the public key: a `kid` both sides can compute."""
    public = _load(private_pem).public_key()
    members: dict[str, str]
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        members = {
            "e": _b64(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
            "kty": "RSA",
            "n": _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
        }
    else:
        point = public.public_numbers()
        members = {
            "crv": "P-256",
            "kty": "EC",
            "x": _b64(point.x.to_bytes(32, "big")),
            "y": _b64(point.y.to_bytes(32, "big")),
        }
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return _b64(hashlib.sha256(canonical).digest())


def mint_token(
    private_pem: str,
    *,
    issuer: str,
    audience: str,
    role: str,
    subject: str,
    facility: str | None = None,
    ttl: int = 3600,
    amr: tuple[str, ...] | None = None,
    kid: str | None = None,
    project: str | None = None,
) -> str:
    """A signed token (RS256 for RSA keys, ES256 for P-256) with a fresh `jti`."""
    key = _load(private_pem)
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "role": role,
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
        "amr": list(amr if amr is not None else DEFAULT_AMR.get(role, ())),
    }
    if facility is not None:
        claims["facility"] = facility
    if project is not None:
        claims[PROJECT_CLAIM] = project
    algorithm = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
    return jwt.encode(
        claims, key, algorithm=algorithm, headers={"kid": kid or key_thumbprint(private_pem)}
    )
