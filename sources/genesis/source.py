"""GenesisSource: MHS GENESIS (FHIR R4, SMART backend services) behind the Source interface."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Sequence
from typing import ClassVar

import aiohttp

from ..base import Page, Query
from ..calls.observe import UpstreamObserver
from ..capabilities import Offer
from ..errors import SourceError, SourceUnavailable
from ..fhir import mapping as fhir_mapping
from ..fhir.adapter import FhirRecordSource
from ..fhir.bundle import Bundle
from ..fhir.config import FhirSourceConfig
from ..fhir.patients import demographics, dod_id_of, identifier_search
from ..portal import PORTAL_KINDS, PatientPortal
from ..records import CareTeamRecord, Link, LinkedRef, PatientKey, Record, RecordKind, RecordSource
from .capabilities import APPOINTMENT_FEATURES, PORTAL_FEATURES, fhir_offer, portal_offer
from .kinds import GENESIS_KINDS
from .name import GENESIS
from .plans import MILLENNIUM_PLANS
from .reads import Directory, fetch_pages, get_records

__all__ = ["GenesisSource"]


class GenesisSource(FhirRecordSource):
    """Reads GENESIS: its FHIR API as Millennium documents it (`plans.py`, `reads.py`), and
    (messages, renewal requests, questionnaire assignments) its patient portal, when one is
    configured. Says what both offer (`declared`, `discover`)."""

    name: ClassVar[RecordSource] = GENESIS
    provides: ClassVar[frozenset[RecordKind]] = frozenset(GENESIS_KINDS) | PORTAL_KINDS
    kinds = GENESIS_KINDS
    facilities_on_genesis = True

    _facility_names: dict[str, str]
    _practitioners: Directory

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
        """One `Patient?identifier=<system>|<DoD ID>` search per patient (Millennium takes one
        value), all at once within the client's concurrency bound; demographics come along."""
        keys = sorted({p.dod_id for p in patients})
        answers = await asyncio.gather(*(self._patients_with(dod) for dod in keys), return_exceptions=True)
        by_dod: dict[str, Link | SourceError] = {}
        for dod, answer in zip(keys, answers, strict=True):
            if isinstance(answer, BaseException) and not isinstance(answer, SourceError):
                raise answer
            by_dod[dod] = answer
        return [by_dod[p.dod_id] for p in patients]

    async def _patients_with(self, dod_id: str) -> Link:
        bundle = await self.client.search(RecordKind.PATIENT.value, "Patient", identifier_search(dod_id))
        bundle = await self.client.rest_of(RecordKind.PATIENT.value, bundle)
        hits = sorted(
            (p for p in bundle.matches("Patient") if p.get("active") is not False and dod_id_of(p) == dod_id),
            key=lambda p: str(p.get("id")),
        )
        return Link(
            source=self.name,
            dod_id=dod_id,
            refs=tuple(LinkedRef(str(p.get("id"))) for p in hits),
            demographics=demographics(self.name, hits[0]) if hits else None,
        )

    @property
    def _directory(self) -> Directory:
        if not hasattr(self, "_practitioners"):
            self._practitioners = Directory(self.client)
        return self._practitioners

    async def get(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[Record | SourceError | None]:
        """Records by id (the portal's kinds from the portal)."""
        if kind in PORTAL_KINDS:
            if self.portal is None:
                return [_NO_PORTAL] * len(ids)
            return await self.portal.records(kind, ids)
        plan = MILLENNIUM_PLANS.get(kind)
        if kind is RecordKind.CARE_TEAM:
            found = await get_records(self, self._directory, kind, MILLENNIUM_PLANS[kind], ids)
            teams = [t for t in found if isinstance(t, CareTeamRecord)]
            named = await self._name_facilities([Page(tuple(teams), False)])
            by_id = {t.provenance.source_id: t for p in named if isinstance(p, Page) for t in p.items}
            return [by_id.get(t.provenance.source_id, t) if isinstance(t, CareTeamRecord) else t for t in found]
        if plan is not None:
            return await get_records(self, self._directory, kind, plan, ids)
        return await super().get(kind, ids)

    async def fetch(self, kind: RecordKind, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        if kind in PORTAL_KINDS:
            return await self._from_portal(kind, queries)
        plan = MILLENNIUM_PLANS.get(kind)
        if plan is None:
            pages = await super().fetch(kind, queries)
        else:
            pages = await fetch_pages(self, self._directory, kind, plan, queries)
        if kind is RecordKind.CARE_TEAM:
            return await self._name_facilities(pages)
        return pages

    async def searches(self, kind: RecordKind, urls: Sequence[str]) -> list[Bundle | SourceError]:
        """Relative search URLs as plain GETs at once (Millennium takes no batch), aligned with `urls`."""

        async def one(url: str) -> Bundle | SourceError:
            try:
                return await self.client.follow(kind.value, self.client.url(url))
            except SourceError as exc:
                return exc

        return list(await asyncio.gather(*(one(u) for u in urls)))

    async def binaries(self, kind: RecordKind, ids: Sequence[str]) -> list[str | SourceError]:
        """Texts of Binary resources, aligned with `ids`: one read each, all at once (no batch)."""

        async def one(bid: str) -> str | SourceError:
            try:
                answer = await self.client.read(kind.value, "Binary", bid)
            except SourceError as exc:
                return exc
            text = fhir_mapping.binary_text(answer)
            return text if text is not None else SourceUnavailable(self.name, "unreadable answer (Binary)")

        return list(await asyncio.gather(*(one(i) for i in ids)))

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
