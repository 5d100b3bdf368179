"""GenesisSource: MHS GENESIS (FHIR R4, SMART backend services) behind the Source interface."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

from ..base import Page, Query
from ..errors import SourceError
from ..fhir.adapter import FhirRecordSource
from ..fhir.patients import demographics, dod_id_of, identifier_search
from ..records import CareTeamRecord, Link, LinkedRef, PatientKey, Record, RecordKind, RecordSource
from . import mapping
from .kinds import GENESIS_KINDS
from .name import GENESIS

__all__ = ["GenesisSource"]


class GenesisSource(FhirRecordSource):
    """Reads GENESIS; writes (booking, Tasks, Communications) will live in `writes.py`."""

    name: ClassVar[RecordSource] = GENESIS
    provides: ClassVar[frozenset[RecordKind]] = frozenset(GENESIS_KINDS)
    kinds = GENESIS_KINDS
    facilities_on_genesis = True

    _facility_names: dict[str, str]

    async def link(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        """All DoD IDs in one `Patient?identifier=` search; demographics come along."""
        if not patients:
            return []
        params = identifier_search([p.dod_id for p in patients])
        try:
            bundle = await self.client.search(RecordKind.PATIENT.value, "Patient", params)
            bundle = await self.client.rest_of(RecordKind.PATIENT.value, bundle)
        except SourceError as exc:
            return [exc] * len(patients)
        found: dict[str, list[dict[str, object]]] = {}
        for patient in bundle.matches("Patient"):
            if patient.get("active") is False:
                continue
            dod = dod_id_of(patient)
            if dod is not None:
                found.setdefault(dod, []).append(patient)
        links: list[Link | SourceError] = []
        for key in patients:
            hits = sorted(found.get(key.dod_id, []), key=lambda p: str(p.get("id")))
            links.append(
                Link(
                    source=self.name,
                    dod_id=key.dod_id,
                    refs=tuple(LinkedRef(str(p.get("id"))) for p in hits),
                    demographics=demographics(self.name, hits[0]) if hits else None,
                )
            )
        return links

    async def get(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[Record | SourceError | None]:
        """Records by id; a message is one Communication (its thread is its `partOf` root)."""
        if kind is RecordKind.CARE_TEAM:
            found = await super().get(kind, ids)
            teams = [t for t in found if isinstance(t, CareTeamRecord)]
            named = await self._name_facilities([Page(tuple(teams), False)])
            by_id = {t.provenance.source_id: t for p in named if isinstance(p, Page) for t in p.items}
            return [by_id.get(t.provenance.source_id, t) if isinstance(t, CareTeamRecord) else t for t in found]
        if kind is not RecordKind.MESSAGE:
            return await super().get(kind, ids)
        wanted = sorted(set(ids))
        if not wanted:
            return []
        params = [("_id", ",".join(wanted)), ("_count", str(len(wanted)))]
        try:
            bundle = await self.client.search(kind.value, "Communication", params)
        except SourceError as exc:
            return [exc] * len(ids)
        ctx = self.context(bundle, dt.datetime.now(dt.UTC))
        messages = {str(c.get("id")): mapping.message(c, ctx) for c in bundle.matches("Communication")}
        return [messages.get(i) for i in ids]

    async def fetch(self, kind: RecordKind, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        pages = await super().fetch(kind, queries)
        if kind is RecordKind.CARE_TEAM:
            return await self._name_facilities(pages)
        return pages

    async def _name_facilities(self, pages: Sequence[Page | SourceError]) -> list[Page | SourceError]:
        """Put the Location's name on each care team's facility (one search; names are cached)."""
        if not hasattr(self, "_facility_names"):
            self._facility_names = {}
        teams = [t for p in pages if isinstance(p, Page) for t in p.items]
        wanted = {
            t.facility.id
            for t in teams
            if isinstance(t, CareTeamRecord) and t.facility and t.facility.id not in self._facility_names
        }
        if wanted:
            params = [("_id", ",".join(sorted(wanted))), ("_count", str(len(wanted)))]
            try:
                bundle = await self.client.search(RecordKind.FACILITY.value, "Location", params)
            except SourceError:
                bundle = None  # the team is still worth showing, with the facility id as name
            for location in bundle.matches("Location") if bundle else ():
                self._facility_names[str(location.get("id"))] = str(location.get("name") or "")
        out: list[Page | SourceError] = []
        for page in pages:
            if isinstance(page, Page):
                items = tuple(
                    dataclasses.replace(
                        t,
                        facility=dataclasses.replace(
                            t.facility, name=self._facility_names.get(t.facility.id) or t.facility.name
                        ),
                    )
                    if isinstance(t, CareTeamRecord) and t.facility
                    else t
                    for t in page.items
                )
                page = dataclasses.replace(page, items=items)
            out.append(page)
        return out
