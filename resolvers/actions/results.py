"""What every patient action answers: a JSON-storable payload and its userErrors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ActionResult", "UserErrorRecord"]


@dataclass(frozen=True, slots=True)
class UserErrorRecord:
    """A business-rule refusal: a stable `code`, a message without PHI, the input `field` path."""

    code: str
    message: str
    field: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": list(self.field) if self.field else None}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> UserErrorRecord:
        path = raw.get("field")
        return cls(str(raw["code"]), str(raw["message"]), tuple(str(p) for p in path) if path else None)


@dataclass(frozen=True, slots=True)
class ActionResult:
    """One action's answer. `data` is plain JSON (the action's own keys, e.g. `appointment`),
    so the idempotency store can keep it and a retry can rebuild the same payload."""

    data: Mapping[str, Any] = field(default_factory=dict)
    user_errors: tuple[UserErrorRecord, ...] = ()

    @classmethod
    def ok(cls, **data: Any) -> ActionResult:
        return cls(data=dict(data))

    @classmethod
    def refused(cls, code: str, message: str, field: Sequence[str] | None = None) -> ActionResult:
        """A result carrying one userError and no data: nothing was written."""
        return cls(user_errors=(UserErrorRecord(code, message, tuple(field) if field else None),))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.user_errors)

    @property
    def outcome(self) -> str:
        """The audit outcome: allowed, denied (a refusal) or error (a source failed)."""
        if not self.user_errors:
            return "allowed"
        return "error" if "SOURCE_UNAVAILABLE" in self.codes else "denied"

    def to_json(self) -> dict[str, Any]:
        return {"data": dict(self.data), "userErrors": [e.to_json() for e in self.user_errors]}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ActionResult:
        errors = tuple(UserErrorRecord.from_json(e) for e in raw.get("userErrors") or ())
        return cls(data=dict(raw.get("data") or {}), user_errors=errors)
