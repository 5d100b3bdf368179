"""What MHS GENESIS offers: appointment writes by its FHIR CapabilityStatement, and the rest by its
patient portal's metadata (or nothing of it, when no portal service is configured)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..capabilities import FEATURE_KINDS, Feature, Offer
from ..fhir.capabilities import interactions, missing_kinds
from ..fhir.kinds import KindSpec
from ..records import RecordKind
from .name import GENESIS

__all__ = ["APPOINTMENT_FEATURES", "NO_PORTAL", "PORTAL_FEATURES", "fhir_offer", "portal_offer"]

PORTAL_FEATURES = (
    Feature.READ_MESSAGES, Feature.SEND_MESSAGE, Feature.REPLY_TO_MESSAGE, Feature.READ_RENEWAL_REQUESTS,
    Feature.REQUEST_RENEWAL, Feature.READ_QUESTIONNAIRE_ASSIGNMENTS, Feature.ANSWER_QUESTIONNAIRE,
)  # fmt: skip
APPOINTMENT_FEATURES = (Feature.BOOK_APPOINTMENT, Feature.CANCEL_APPOINTMENT, Feature.RESCHEDULE_APPOINTMENT)
NO_PORTAL = "MHS GENESIS offers this through its patient portal, which this gateway is not connected to"
_CHANGES = ("patch", "update")


def _changes(offered: Mapping[str, frozenset[str]], rtype: str) -> bool:
    return any(i in offered.get(rtype, frozenset()) for i in _CHANGES)


def fhir_offer(statement: Mapping[str, Any], kinds: Mapping[RecordKind, KindSpec]) -> Offer:
    """Appointment writes and the FHIR kinds, as the CapabilityStatement lists them."""
    offered = interactions(statement)
    appointment = offered.get("Appointment", frozenset())
    books = "create" in appointment and _changes(offered, "Slot")
    changes = _changes(offered, "Appointment")
    no_change = "MHS GENESIS's FHIR API does not offer changing appointments"
    features: dict[Feature, str | None] = {
        Feature.BOOK_APPOINTMENT: None if books else "MHS GENESIS's FHIR API does not offer booking here",
        Feature.CANCEL_APPOINTMENT: None if changes else no_change,
        Feature.RESCHEDULE_APPOINTMENT: None if changes else no_change,
    }
    return Offer(GENESIS, features, missing_kinds(statement, kinds, "MHS GENESIS"))


def portal_offer(offered: frozenset[Feature] | None) -> Offer:
    """The portal's features (None: no portal service configured), and the kinds off with them."""
    features: dict[Feature, str | None] = {}
    for feature in PORTAL_FEATURES:
        if offered is None:
            features[feature] = NO_PORTAL
        else:
            features[feature] = None if feature in offered else "MHS GENESIS's patient portal does not offer this"
    missing = {
        kind: reason
        for feature, kinds in FEATURE_KINDS.items()
        if (reason := features.get(feature)) is not None
        for kind in kinds
    }
    return Offer(GENESIS, features, missing)
