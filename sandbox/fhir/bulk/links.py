"""Short-lived pre-signed file URLs, standing in for the object store Millennium redirects to."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

__all__ = ["LinkSigner"]


class LinkSigner:
    """Signs `(file id, expiry)` with a per-server secret; a link needs no other credential."""

    def __init__(self, lifetime: int) -> None:
        self._secret = secrets.token_bytes(32)
        self._lifetime = lifetime

    def query(self, file_id: str) -> dict[str, str]:
        """The query parameters that make a link to `file_id` valid for the lifetime."""
        expires = str(int(time.time()) + self._lifetime)
        return {"expires": expires, "signature": self._sign(file_id, expires)}

    def valid(self, file_id: str, expires: str, signature: str) -> bool:
        """Whether the signature matches and the link has not expired."""
        if not expires.isdigit() or int(expires) < time.time():
            return False
        return hmac.compare_digest(self._sign(file_id, expires), signature)

    def _sign(self, file_id: str, expires: str) -> str:
        return hmac.new(self._secret, f"{file_id}:{expires}".encode(), hashlib.sha256).hexdigest()
