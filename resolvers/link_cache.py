"""The short link cache: which record ids in each source are a patient's, kept for a few seconds
across requests so that a returning patient's next page skips linking; never demographics or records.

A patient's own record is the only one served from it (`open_patient`, for the patient role): a patient can ask
about no one else, so how fast an answer comes tells nobody whether someone else was looked up.
Links with a failed source are not kept (the next request asks again). docs/link-cache.md.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping

from cachetools import TTLCache

from sources.errors import SourceError
from sources.records import Link, LinkedRef, RecordSource

__all__ = ["LinkCache"]


def _ids_only(link: Link) -> Link:
    """`link` with who the patient is left out: the record ids, how they matched, nothing else."""
    refs = tuple(LinkedRef(r.patient_id, r.match_confidence, r.organization) for r in link.refs)
    return dataclasses.replace(link, refs=refs, demographics=None)


class LinkCache:
    """Per process: DoD ID -> {source: Link (ids only)}, each entry for `seconds`, at most `size`."""

    def __init__(self, seconds: float, size: int = 10_000, clock: Callable[[], float] = time.monotonic,
                 on_lookup: Callable[[bool], None] | None = None) -> None:
        if seconds <= 0 or size < 1:
            raise ValueError("a link cache keeps entries for some seconds, and at least one")
        self._entries: TTLCache[str, Mapping[RecordSource, Link]] = TTLCache(size, seconds, timer=clock)
        self._on_lookup = on_lookup  # told each lookup's result (hit: True), e.g. to count them

    def get(self, dod_id: str) -> dict[RecordSource, Link | SourceError] | None:
        found = self._entries.get(dod_id)
        if self._on_lookup is not None:
            self._on_lookup(found is not None)
        return None if found is None else dict(found)

    def put(self, dod_id: str, links: Mapping[RecordSource, Link | SourceError]) -> None:
        """Keep `links` unless a source failed in them (then nothing is kept)."""
        if any(isinstance(link, SourceError) for link in links.values()):
            return
        self._entries[dod_id] = {
            source: _ids_only(link) for source, link in links.items() if isinstance(link, Link)
        }

    def __len__(self) -> int:
        return len(self._entries)
