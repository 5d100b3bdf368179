"""Who each exported patient is: person keys by the gateway's identity rules, kept in the vault.

The rules are the live view's (`resolvers/loaders.py` linking, `resolvers/nodes.py` owners): a
patient record carrying a DoD ID is that person; a record without one, at a source that matches
demographically (the HIE), is the person the source's own `$match` links to it when asked with
the demographics of a same-named, same-born patient of a source that links by identifier, if
exactly one such person claims it. Anyone else is not in the mart. Links are kept in the vault
(`analytics.source_patients`), so an increment knows patients it does not see again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from gateway.store import PersonStore
from resolvers.patients import is_dod_id
from sources.agreement import could_be
from sources.base import DemographicMatcher, Source
from sources.errors import SourceError
from sources.export import ExportedPatient
from sources.records import Demographics, Link, PatientKey, RecordSource
from sources.registry import rank_of

__all__ = ["Linker"]

_log = logging.getLogger("gateway.mart")


class Linker:
    """Person keys for one source's patient ids, loaded from the vault and grown as patients come."""

    def __init__(self, vault: PersonStore, sources: Mapping[RecordSource, Source]) -> None:
        self._vault = vault
        self._sources = sources
        self._known: dict[RecordSource, dict[str, str]] = {}

    async def persons(self, source: RecordSource) -> dict[str, str]:
        """Every patient id of `source` the vault links, with its person key."""
        if source not in self._known:
            self._known[source] = await self._vault.links(source)
        return self._known[source]

    async def link(self, source: RecordSource, patients: Sequence[ExportedPatient]) -> dict[str, str]:
        """Link `patients` (by DoD ID, else by demographic match); the source's map afterwards."""
        known = await self.persons(source)
        by_id = [p for p in patients if p.demographics.dod_id and is_dod_id(p.demographics.dod_id)]
        if isinstance(self._sources.get(source), DemographicMatcher):
            by_id = await self._verified(source, by_id)
        keys = await self._vault.enrol([p.demographics.dod_id or "" for p in by_id])
        found: dict[str, tuple[str, bool]] = {}
        for p in by_id:
            found[p.patient_id] = (keys[p.demographics.dod_id or ""], False)
        matcher = self._sources.get(source)
        for p in patients:
            if p.patient_id in found or p.patient_id in known or not isinstance(matcher, DemographicMatcher):
                continue
            owner = await self._owner(source, matcher, p)
            if owner is not None:
                found[p.patient_id] = ((await self._vault.enrol([owner]))[owner], True)
        await self._vault.link(source, found)
        known.update({pid: key for pid, (key, _) in found.items()})
        return known

    async def _verified(self, source: RecordSource, patients: list[ExportedPatient]) -> list[ExportedPatient]:
        """The practice's records carrying a DoD ID that could be that DoD ID's person (a digit
        written wrong makes it someone else's: docs/linking.md), as the live view checks them;
        when a source could not say who the DoD ID is, the record waits for a later run."""
        wanted = sorted({p.demographics.dod_id or "" for p in patients})
        owners: dict[str, Demographics] = {}
        unsure: set[str] = set()
        for name in sorted(self._sources, key=rank_of):
            other = self._sources[name]
            if name == source or isinstance(other, DemographicMatcher) or not wanted:
                continue
            for dod_id, found in zip(wanted, await other.link([PatientKey(d) for d in wanted]), strict=True):
                if isinstance(found, Link) and found.demographics is not None:
                    owners.setdefault(dod_id, found.demographics)
                elif not isinstance(found, Link):
                    unsure.add(dod_id)
        kept = []
        for p in patients:
            dod_id = p.demographics.dod_id or ""
            owner = owners.get(dod_id)
            if (owner is None and dod_id not in unsure) or (owner is not None and could_be(owner, p.demographics)):
                kept.append(p)
        return kept

    async def _owner(self, source: RecordSource, matcher: DemographicMatcher, patient: ExportedPatient) -> str | None:
        """The one DoD ID whose demographic match at `source` holds this patient, if exactly one does."""
        candidates: dict[str, Demographics] = {}
        for name in sorted(self._sources, key=rank_of):
            other = self._sources[name]
            if name == source or isinstance(other, DemographicMatcher):
                continue
            try:
                like = await other.find_patients(patient.demographics)
            except SourceError:
                _log.warning("mart linking: a source could not be searched", extra={"source": name})
                continue
            for who in like:
                if who.dod_id and is_dod_id(who.dod_id):
                    candidates.setdefault(who.dod_id, who)  # the most authoritative source's first
        owners = []
        for dod_id, who in sorted(candidates.items()):
            [linked] = await matcher.match([PatientKey(dod_id, who)])
            if isinstance(linked, Link) and any(ref.patient_id == patient.patient_id for ref in linked.refs):
                owners.append(dod_id)
        return owners[0] if len(owners) == 1 else None
