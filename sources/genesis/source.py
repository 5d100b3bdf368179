"""GenesisSource: MHS GENESIS (FHIR R4, SMART backend services) behind the Source interface."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence
from typing import ClassVar

import aiohttp

from ..base import Page, Query
from ..calls.observe import UpstreamObserver
from ..capabilities import Offer
from ..errors import SourceError, SourceUnavailable
from ..fhir.adapter import FhirRecordSource
from ..fhir.config import FhirSourceConfig
from ..fhir.patients import demographics, dod_id_of, identifier_search
from ..portal import PORTAL_KINDS, PatientPortal
from ..records import CareTeamRecord, Link, LinkedRef, PatientKey, Record, RecordKind, RecordSource
from .capabilities import APPOINTMENT_FEATURES, PORTAL_FEATURES, fhir_offer, portal_offer
from .kinds import GENESIS_KINDS
from .name import GENESIS

__all__ = ["GenesisSource"]


class GenesisSource(FhirRecordSource):
    """Reads GENESIS: its FHIR API, and (messages, renewal requests, questionnaire assignments) its
    patient portal, when one is configured. Says what both offer (`declared`, `discover`)."""

    name: ClassVar[RecordSource] = GENESIS
    provides: ClassVar[frozenset[RecordKind]] = frozenset(GENESIS_KINDS) | PORTAL_KINDS
    kinds = GENESIS_KINDS
    facilities_on_genesis = True

    _facility_names: dict[str, str]

    def __init__(
        self,
        config: FhirSourceConfig,
        session: aiohttp.ClientSession,
        observer: UpstreamObserver,
        portal: PatientPortal | None = None,
    ) -> None:
        super().__init__(config, session, observer)
        self.portal = portal
        self._fhir_offer = Offer(GENESIS, dict.fromkeys(APPOINTMENT_FEATURES))
        self._portal_offer = portal_offer(None if portal is None else frozenset(PORTAL_FEATURES))

    # ---- what it offers ------------------------------------------------------------------------

    def declared(self) -> Offer:
        """Before asking: everything configured is on (the portal's features only with a portal)."""
        return _joined(self._fhir_offer, self._portal_offer)

    async def discover(self) -> Offer:
        """The FHIR CapabilityStatement and the portal's metadata, read now; a part that cannot be
        read keeps what it last said."""
        with contextlib.suppress(SourceError):
            self._fhir_offer = fhir_offer(await self.client.capabilities("capabilities"), self.kinds)
        if self.portal is not None:
            with contextlib.suppress(SourceError):
                self._portal_offer = portal_offer(await self.portal.offers())
        return self.declared()

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
        """Records by id (the portal's kinds from the portal)."""
        if kind in PORTAL_KINDS:
            if self.portal is None:
                return [_NO_PORTAL] * len(ids)
            return await self.portal.records(kind, ids)
        if kind is RecordKind.CARE_TEAM:
            found = await super().get(kind, ids)
            teams = [t for t in found if isinstance(t, CareTeamRecord)]
            named = await self._name_facilities([Page(tuple(teams), False)])
            by_id = {t.provenance.source_id: t for p in named if isinstance(p, Page) for t in p.items}
            return [by_id.get(t.provenance.source_id, t) if isinstance(t, CareTeamRecord) else t for t in found]
        return await super().get(kind, ids)

    async def fetch(self, kind: RecordKind, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        if kind in PORTAL_KINDS:
            return await self._from_portal(kind, queries)
        pages = await super().fetch(kind, queries)
        if kind is RecordKind.CARE_TEAM:
            return await self._name_facilities(pages)
        return pages

    async def _from_portal(self, kind: RecordKind, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        portal = self.portal
        if portal is None:
            return [_NO_PORTAL] * len(queries)
        if kind is RecordKind.MESSAGE_THREAD:
            return await portal.threads(queries)
        if kind is RecordKind.MESSAGE:
            return await portal.messages(queries)
        if kind is RecordKind.RENEWAL_REQUEST:
            return await portal.renewal_requests(queries)
        return await portal.assignments(queries)

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


_NO_PORTAL = SourceUnavailable(GENESIS, "no patient portal service is configured")


def _joined(fhir: Offer, portal: Offer) -> Offer:
    return Offer(GENESIS, {**fhir.features, **portal.features}, {**fhir.missing_kinds, **portal.missing_kinds})
