"""Why a caller was not signed in: AuthError and its reason codes (never the token itself)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["AuthError", "AuthReason"]


class AuthReason(StrEnum):
    """Stable reason codes a client sees in `extensions.reason`."""

    TOKEN_MISSING = "TOKEN_MISSING"
    TOKEN_INVALID = "TOKEN_INVALID"  # malformed, wrongly signed, refused algorithm, unknown key
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_NOT_YET_VALID = "TOKEN_NOT_YET_VALID"
    TOKEN_WRONG_ISSUER = "TOKEN_WRONG_ISSUER"
    TOKEN_WRONG_AUDIENCE = "TOKEN_WRONG_AUDIENCE"
    TOKEN_CLAIMS_INVALID = "TOKEN_CLAIMS_INVALID"  # role, subject or facility unusable
    STRONG_AUTH_REQUIRED = "STRONG_AUTH_REQUIRED"  # a clinician or analyst signed in without CAC
    ISSUER_UNAVAILABLE = "ISSUER_UNAVAILABLE"  # the JWKS could not be fetched (HTTP 503)


_MESSAGES = {
    AuthReason.TOKEN_MISSING: "A bearer token is required.",
    AuthReason.TOKEN_INVALID: "The bearer token is not valid.",
    AuthReason.TOKEN_EXPIRED: "The bearer token has expired.",
    AuthReason.TOKEN_NOT_YET_VALID: "The bearer token is not valid yet.",
    AuthReason.TOKEN_WRONG_ISSUER: "The bearer token was issued by an unknown issuer.",
    AuthReason.TOKEN_WRONG_AUDIENCE: "The bearer token is not meant for this service.",
    AuthReason.TOKEN_CLAIMS_INVALID: "The bearer token's claims are not usable.",
    AuthReason.STRONG_AUTH_REQUIRED: "Clinicians and analysts must sign in with a CAC.",
    AuthReason.ISSUER_UNAVAILABLE: "Sign-in keys are unavailable; try again shortly.",
}


class AuthError(Exception):
    """The request carries no usable token; `detail` is for logs and never holds the token."""

    def __init__(self, reason: AuthReason, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)

    @property
    def message(self) -> str:
        """What the client is told."""
        return _MESSAGES[self.reason]

    @property
    def status(self) -> int:
        """The HTTP status: 503 when the issuer is unreachable, else 401."""
        return 503 if self.reason is AuthReason.ISSUER_UNAVAILABLE else 401
