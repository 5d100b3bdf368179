"""`meta.lastUpdated` for generated resources: when each was last written, before the demo's day.

The stamp is the newest of a resource's own record dates (issued, sent, authored, ...) that is
not after the seed epoch, else the epoch itself: midnight UTC the day before `today`, which is
in the past in every time zone when the demo starts. Writes made while the demo runs are
stamped by the server with the current time, so a `_since` export picks up exactly those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

__all__ = ["seed_epoch", "stamp_last_updated"]

# Elements that say when a record was written or changed, in any of the generated types.
_RECORD_DATES = (
    "lastModified", "issued", "whenHandedOver", "sent", "authored", "date", "recordedDate",
    "authoredOn", "created", "effectiveDateTime",
)  # fmt: skip


def seed_epoch(today: dt.date) -> dt.datetime:
    """Midnight UTC on the day before `today`: no generated resource is stamped later."""
    day = today - dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def stamp_last_updated(resources: Iterable[dict[str, Any]], today: dt.date) -> None:
    """Give every resource without one a deterministic `meta.lastUpdated` (in place)."""
    epoch = seed_epoch(today)
    for resource in resources:
        meta = resource.setdefault("meta", {})
        if "lastUpdated" not in meta:
            meta["lastUpdated"] = _instant(_written(resource, epoch))


def _written(resource: dict[str, Any], epoch: dt.datetime) -> dt.datetime:
    moments = [m for m in (_moment(resource.get(key)) for key in _RECORD_DATES) if m is not None and m <= epoch]
    return max(moments, default=epoch)


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:  # a date: its start, in UTC
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
