"""What the sandbox's patient-portal service offers: its features and the named scopes each needs.

No public document describes MHS GENESIS's patient-portal services; the names are ours
(docs/portal.md, "Assumptions"). A feature is read (`.read` scope) or written (`.write` scope).
"""

from __future__ import annotations

__all__ = ["FEATURES", "PORTAL_SCOPES", "scope_of"]

FEATURES: dict[str, str] = {
    "messages.read": "portal/messages.read",
    "messages.send": "portal/messages.write",
    "messages.reply": "portal/messages.write",
    "renewals.read": "portal/renewals.read",
    "renewals.request": "portal/renewals.write",
    "questionnaires.read": "portal/questionnaires.read",
    "questionnaires.answer": "portal/questionnaires.write",
}
PORTAL_SCOPES = tuple(sorted(set(FEATURES.values())))


def scope_of(feature: str) -> str:
    """The scope a feature's requests need."""
    return FEATURES[feature]
