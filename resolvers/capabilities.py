"""What clients can do now: the features each source offers, and the kinds it cannot serve.

The board is process-wide and holds no health data: the gateway fills it from each source's
`declared()` offer at startup and from `discover()` at startup and on a timer (docs/portal.md).
A feature no source has said anything about counts as available (as before discovery existed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sources.capabilities import FEATURE_KINDS, Feature, Offer
from sources.records import RecordKind, RecordSource

if TYPE_CHECKING:
    from .context import RequestContext

__all__ = ["NO_WRITES", "CapabilityBoard", "CapabilityRecord", "capabilities_now"]

NO_WRITES = "patient actions are not configured in this deployment"


@dataclass(frozen=True, slots=True)
class CapabilityRecord:
    """One feature: whether clients can use it now, and why not."""

    feature: Feature
    available: bool
    reason: str | None


class CapabilityBoard:
    """The latest offer of each source that says what it offers."""

    def __init__(self, offers: Iterable[Offer] = ()) -> None:
        self._offers: dict[RecordSource, Offer] = {o.source: o for o in offers}

    def update(self, offer: Offer) -> None:
        """Replace what `offer.source` offers (one assignment: readers see the old or the new)."""
        self._offers = {**self._offers, offer.source: offer}

    def serves(self, source: RecordSource, kind: RecordKind) -> bool:
        offer = self._offers.get(source)
        return offer is None or offer.serves(kind)

    def reason(self, feature: Feature, source: RecordSource | None = None) -> str | None:
        """Why `feature` (at `source`, or at any source) is unavailable; None when it is available."""
        offers = [self._offers[source]] if source in self._offers else [] if source else list(self._offers.values())
        said = [o.features[feature] for o in offers if feature in o.features]
        if not said or any(r is None for r in said):
            return None
        return said[0]

    def listing(self, writes: RecordSource | None) -> list[CapabilityRecord]:
        """Every feature, in a stable order; the write features only where writes go (`writes`)."""
        out = []
        for feature in Feature:
            reads = feature in FEATURE_KINDS
            reason = self.reason(feature) if reads else (self.reason(feature, writes) if writes else NO_WRITES)
            out.append(CapabilityRecord(feature, reason is None, reason))
        return out


def capabilities_now(ctx: RequestContext) -> list[CapabilityRecord]:
    """Every feature as the sources offer it now (no health data: anyone signed in may ask)."""
    services = ctx.services
    return services.capabilities.listing(services.writes.source if services.writes else None)
