"""CommunitySource: community practices (FHIR R4 / US Core, read-only) behind the Source interface."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any, ClassVar

import aiohttp

from ..calls.observe import UpstreamObserver
from ..capabilities import Offer
from ..errors import SourceError
from ..fhir.adapter import FhirRecordSource
from ..fhir.bundle import Bundle
from ..fhir.capabilities import missing_kinds
from ..fhir.config import FhirSourceConfig
from ..fhir.kinds import CLINICAL_KINDS, KindSpec
from ..fhir.patients import demographics, dod_id_of, identifier_list_search
from ..records import Link, LinkedRef, PatientKey, RecordKind, RecordSource
from .mapping import candidates, match_parameters, organization_name
from .name import COMMUNITY

__all__ = ["COMMUNITY_KINDS", "CommunitySource"]

COMMUNITY_KINDS: dict[RecordKind, KindSpec] = {RecordKind(k): s for k, s in CLINICAL_KINDS.items()}


class CommunitySource(FhirRecordSource):
    """Links by DoD ID where the practice has it, else by `$match` on the demographics another source gave."""

    name: ClassVar[RecordSource] = COMMUNITY
    provides: ClassVar[frozenset[RecordKind]] = frozenset(COMMUNITY_KINDS)
    kinds = COMMUNITY_KINDS

    def __init__(
        self,
        config: FhirSourceConfig,
        session: aiohttp.ClientSession,
        observer: UpstreamObserver,
        match_threshold: float = 0.8,
    ) -> None:
        if not 0.0 < match_threshold <= 1.0:
            raise ValueError("match_threshold must be within (0, 1]")
        super().__init__(config, session, observer)
        self.match_threshold = match_threshold
        self._organizations: dict[str, str] = {}  # practice names by Organization id (not PHI)
        self._offer = Offer(COMMUNITY)

    def declared(self) -> Offer:
        """Before asking: every kind it provides is served."""
        return self._offer

    async def discover(self) -> Offer:
        """The kinds its CapabilityStatement searches; unread, it keeps what it last said."""
        with contextlib.suppress(SourceError):
            statement = await self.client.capabilities("capabilities")
            self._offer = Offer(COMMUNITY, missing_kinds=missing_kinds(statement, self.kinds, "The HIE"))
        return self._offer

    async def link(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        """One identifier search for all (the practices' patients who gave their DoD ID)."""
        if not patients:
            return []
        params = [
            *identifier_list_search([p.dod_id for p in patients]),
            ("_include", "Patient:organization"),
        ]
        kind = RecordKind.PATIENT.value
        try:
            bundle = await self.client.rest_of(kind, await self.client.search(kind, "Patient", params))
        except SourceError as exc:
            return [exc] * len(patients)
        self._learn_organizations(bundle)
        by_dod: dict[str, list[dict[str, Any]]] = {}
        for patient in bundle.matches("Patient"):
            dod = dod_id_of(patient)
            if dod is not None and patient.get("active") is not False:
                by_dod.setdefault(dod, []).append(patient)
        return [
            self._link(key, [(p, None) for p in sorted(by_dod.get(key.dod_id, []), key=lambda p: str(p.get("id")))])
            for key in patients
        ]

    async def match(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        """One `$match` per patient (FHIR takes one at a time), concurrently; only `certain` or
        `probable` candidates at or above the threshold link."""
        return await asyncio.gather(*(self._match_one(key) for key in patients))

    async def _match_one(self, key: PatientKey) -> Link | SourceError:
        request = match_parameters(key.demographics) if key.demographics else None
        if request is None:
            return self._link(key, [])
        return await self._match(key, request)

    def _link(self, key: PatientKey, hits: Sequence[tuple[dict[str, Any], float | None]]) -> Link:
        refs = tuple(
            LinkedRef(str(p.get("id")), score, organization_name(p, self._organizations), demographics(self.name, p))
            for p, score in hits
        )
        return Link(self.name, key.dod_id, refs, refs[0].demographics if refs else None)

    async def _match(self, key: PatientKey, parameters: dict[str, Any]) -> Link | SourceError:
        assert key.demographics is not None
        try:
            answer = await self.client.operation(RecordKind.PATIENT.value, "Patient/$match", parameters)
        except SourceError as exc:
            return exc
        found = candidates(Bundle(answer), key.demographics, key.dod_id, self.match_threshold)
        await self._name_organizations([c.organization_id for c in found])
        found.sort(key=lambda c: (-c.score, c.patient_id))
        return self._link(key, [(dict(c.patient), c.score) for c in found])

    def _learn_organizations(self, bundle: Bundle) -> None:
        for org in bundle.resources("Organization"):
            if org.get("name"):
                self._organizations[str(org.get("id"))] = str(org["name"])

    async def _name_organizations(self, ids: Sequence[str | None]) -> None:
        """Look up practices' names not seen yet (one search); missing names stay unknown."""
        unknown = sorted({i for i in ids if i and i not in self._organizations})
        if not unknown:
            return
        params = [("_id", ",".join(unknown)), ("_count", str(len(unknown)))]
        try:
            bundle = await self.client.search(RecordKind.PATIENT.value, "Organization", params)
        except SourceError:
            return  # the reference's display (if any) still names the practice
        self._learn_organizations(bundle)
