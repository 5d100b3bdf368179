"""A SMART backend-services token (client_credentials with a private_key_jwt assertion) for the peer."""

from __future__ import annotations

import secrets
import time

import aiohttp
import jwt

__all__ = ["PEER_SCOPES", "fetch_token"]

_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Named one by one, as Oracle Health Millennium grants them (no `system/*.read`).
PEER_SCOPES = (
    "system/Patient.read",
    "system/Observation.read",
    "system/Appointment.read",
    "system/MedicationRequest.read",
)


async def fetch_token(
    session: aiohttp.ClientSession,
    token_url: str,
    *,
    client_id: str,
    private_pem: str,
    kid: str,
    scopes: tuple[str, ...] = PEER_SCOPES,
    algorithm: str = "ES384",
) -> tuple[str, float]:
    """(access token, seconds it lives) from `token_url`, signing the assertion with `algorithm`."""
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "iat": now,
        "exp": now + 240,  # at most five minutes ahead
        "jti": secrets.token_hex(16),
    }
    assertion = jwt.encode(claims, private_pem, algorithm=algorithm, headers={"kid": kid})
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": _ASSERTION_TYPE,
        "client_assertion": assertion,
        "scope": " ".join(scopes),
    }
    async with session.post(token_url, data=form) as response:
        body = await response.json(content_type=None)
        if response.status != 200:
            raise RuntimeError(f"token endpoint answered {response.status}: {body}")
    granted = set(str(body.get("scope", "")).split())
    missing = set(scopes) - granted
    if missing:
        raise RuntimeError(f"token endpoint did not grant {sorted(missing)}")
    return str(body["access_token"]), float(body.get("expires_in", 300))
