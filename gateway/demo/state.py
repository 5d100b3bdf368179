"""The running demo's sign-in key and issuer details, left where `mhs-gateway token` looks."""

from __future__ import annotations

import contextlib
import os

from gateway.demo.paths import DEMO_STATE_DIR, ISSUER_INFO_FILE, ISSUER_KEY_FILE
from sandbox.issuer import Issuer

from .info import write_json_atomically

__all__ = ["remove_issuer_state", "write_issuer_state"]


def write_issuer_state(issuer: Issuer) -> None:
    """Write the issuer's private key (0600) and its URLs into the private state folder (0700)."""
    DEMO_STATE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(DEMO_STATE_DIR, 0o700)
    descriptor = os.open(ISSUER_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(issuer.private_pem)
    os.chmod(ISSUER_KEY_FILE, 0o600)
    write_json_atomically(
        ISSUER_INFO_FILE,
        {
            "issuer": issuer.issuer_url,
            "audience": issuer.audience,
            "kid": issuer.kid,
            "jwks_url": issuer.jwks_url,
        },
    )


def remove_issuer_state() -> None:
    """Remove the key and details (the demo stops: its key must not outlive it)."""
    for path in (ISSUER_KEY_FILE, ISSUER_INFO_FILE):
        path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        DEMO_STATE_DIR.rmdir()
