"""Client key pairs for SMART backend services (private_key_jwt), for demos and tests."""

from __future__ import annotations

import json
import secrets
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

__all__ = ["make_client_keypair"]


def make_client_keypair(kind: Literal["EC", "RSA"] = "EC") -> tuple[str, dict[str, Any], str]:
    """A fresh key pair: (private key PEM, public JWK with `kid` and `alg`, kid).

    EC keys are P-384 signing ES384, RSA keys 2048-bit signing RS384, as SMART backend
    services asks.
    """
    kid = secrets.token_hex(8)
    private: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    if kind == "EC":
        private = ec.generate_private_key(ec.SECP384R1())
        jwk = json.loads(ECAlgorithm.to_jwk(private.public_key()))
        alg = "ES384"
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
        alg = "RS384"
    jwk.update({"kid": kid, "alg": alg, "use": "sig"})
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    jwt.PyJWK(jwk)  # fail here, not at the token endpoint, if the JWK were unusable
    return pem, jwk, kid
