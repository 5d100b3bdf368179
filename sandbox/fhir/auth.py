"""SMART backend services: the client_credentials token endpoint and bearer-token checks."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jwt

from .outcome import Forbidden, Unauthorized

__all__ = ["ASSERTION_TYPE", "Grant", "OAuthError", "TokenIssuer", "TokenPolicy", "generic_scopes"]

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_ALGORITHMS = ["RS384", "ES384", "RS256", "ES256", "RS512", "ES512"]
_MAX_ASSERTION_LIFETIME = 300  # seconds: SMART says exp at most five minutes ahead
_CLOCK_SKEW = 30
TOKEN_LIFETIME = 300


class OAuthError(Exception):
    """The token endpoint refused; answered as OAuth error JSON, never an OperationOutcome."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        self.error = error
        self.description = description
        self.status = status
        super().__init__(f"{status} {error}: {description}")

    def body(self) -> dict[str, str]:
        """The OAuth 2.0 error response body."""
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True)
class Grant:
    """What one access token allows: the client and its granted scopes, until `expires_at`."""

    client_id: str
    scopes: frozenset[str]
    expires_at: float

    def allows(self, resource_type: str, write: bool) -> bool:
        """Whether a `system/` scope covers reading (or writing) `resource_type`."""
        return any(_scope_allows(s, resource_type, write) for s in self.scopes)

    def require(self, resource_type: str, write: bool) -> None:
        """Raise `Forbidden` unless the scopes allow this read (or write)."""
        if not self.allows(resource_type, write):
            action = "write" if write else "read"
            raise Forbidden(f"the token's scopes do not allow {action} on {resource_type}")


def _parse_scope(scope: str) -> tuple[str, bool, bool] | None:
    """`system/<type>.<perms>` as (type or *, may read, may write); None when not one."""
    if not scope.startswith("system/") or "." not in scope:
        return None
    target, _, perms = scope[len("system/") :].rpartition(".")
    if not target or not perms:
        return None
    if perms in ("*", "read", "write"):
        return target, perms in ("*", "read"), perms in ("*", "write")
    if set(perms) <= set("cruds"):  # SMART v2 letters
        return target, bool(set(perms) & set("rs")), bool(set(perms) & set("cu"))
    return None


def _scope_allows(scope: str, resource_type: str, write: bool) -> bool:
    parsed = _parse_scope(scope)
    if parsed is None or parsed[0] not in ("*", resource_type):
        return False
    return parsed[2] if write else parsed[1]


def _valid_scope(scope: str) -> bool:
    return _parse_scope(scope) is not None


def generic_scopes(requested: Sequence[str]) -> frozenset[str]:
    """Grant every well-formed `system/` scope asked for (wildcards and SMART v2 letters too)."""
    granted = frozenset(s for s in requested if _valid_scope(s))
    if not granted:
        raise OAuthError("invalid_scope", "request at least one system/ scope")
    return granted


@dataclass(frozen=True)
class TokenPolicy:
    """What a token endpoint accepts and grants: assertion algorithms, scopes, token lifetime."""

    algorithms: tuple[str, ...] = tuple(_ALGORITHMS)
    grant_scopes: Callable[[Sequence[str]], frozenset[str]] = generic_scopes
    lifetime: int = TOKEN_LIFETIME
    token_type: str = "bearer"


class TokenIssuer:
    """Verifies client assertions signed with registered keys and issues opaque bearer tokens."""

    def __init__(self, clients: Mapping[str, Mapping[str, Any]], policy: TokenPolicy | None = None) -> None:
        self.policy = policy or TokenPolicy()
        self._keys = {cid: jwt.PyJWK(dict(jwk)) for cid, jwk in clients.items()}
        self._tokens: dict[str, Grant] = {}
        self._seen_jti: dict[str, float] = {}
        self.token_url = ""

    def issue(self, form: Mapping[str, str]) -> dict[str, Any]:
        """Answer a token request (form fields) or raise `OAuthError`."""
        if form.get("grant_type") != "client_credentials":
            raise OAuthError("unsupported_grant_type", "grant_type must be client_credentials")
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise OAuthError("invalid_request", "client_assertion_type must be jwt-bearer")
        assertion = form.get("client_assertion", "")
        if not assertion:
            raise OAuthError("invalid_request", "client_assertion is required")
        client_id = self._verify_assertion(assertion)
        granted = self.policy.grant_scopes(form.get("scope", "").split())
        token = secrets.token_urlsafe(32)
        now = time.time()
        self._tokens[token] = Grant(client_id, granted, now + self.policy.lifetime)
        self._purge(now)
        return {
            "access_token": token,
            "token_type": self.policy.token_type,
            "expires_in": self.policy.lifetime,
            "scope": " ".join(sorted(granted)),
        }

    def _verify_assertion(self, assertion: str) -> str:
        try:
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_client", "client_assertion is not a JWT", 401) from exc
        issuer = unverified.get("iss")
        key = self._keys.get(issuer) if isinstance(issuer, str) else None
        if key is None or not isinstance(issuer, str):
            raise OAuthError("invalid_client", "unknown client", 401)
        alg = jwt.get_unverified_header(assertion).get("alg")
        if alg not in self.policy.algorithms:
            allowed = ", ".join(self.policy.algorithms)
            raise OAuthError("invalid_client", f"client_assertion alg {alg} is not supported ({allowed})", 401)
        try:
            claims = jwt.decode(
                assertion,
                key,
                algorithms=list(self.policy.algorithms),
                audience=self.token_url,
                issuer=issuer,
                leeway=_CLOCK_SKEW,
                options={"require": ["iss", "sub", "aud", "exp", "jti"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise OAuthError("invalid_client", "client_assertion has expired", 401) from exc
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_client", f"client_assertion rejected: {exc}", 401) from exc
        client_id = issuer
        now = time.time()
        if claims["sub"] != client_id:
            raise OAuthError("invalid_client", "client_assertion sub must equal iss", 401)
        if float(claims["exp"]) > now + _MAX_ASSERTION_LIFETIME + _CLOCK_SKEW:
            raise OAuthError("invalid_client", "client_assertion exp is over 5 minutes ahead", 401)
        jti = str(claims["jti"])
        self._purge(now)
        if jti in self._seen_jti:
            raise OAuthError("invalid_client", "client_assertion jti was already used", 401)
        self._seen_jti[jti] = float(claims["exp"]) + _CLOCK_SKEW
        return client_id

    def grant(self, authorization: str | None) -> Grant:
        """The grant behind an `Authorization: Bearer` header; `Unauthorized` if none."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise Unauthorized("a bearer token is required")
        grant = self._tokens.get(authorization[7:].strip())
        if grant is None or grant.expires_at <= time.time():
            raise Unauthorized("the bearer token is unknown or has expired")
        return grant

    def _purge(self, now: float) -> None:
        self._seen_jti = {j: t for j, t in self._seen_jti.items() if t > now}
        self._tokens = {k: g for k, g in self._tokens.items() if g.expires_at > now}
