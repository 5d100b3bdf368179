"""VaSource: a VA facility's FHIR R4 server, linked by DoD ID, read with the shared FHIR engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from ..errors import SourceError
from ..fhir.adapter import FhirRecordSource
from ..fhir.kinds import CLINICAL_KINDS, KindSpec
from ..fhir.patients import demographics, dod_id_of, identifier_list_search
from ..records import Link, LinkedRef, PatientKey, RecordKind, RecordSource
from .name import VA

__all__ = ["VA_KINDS", "VaSource"]

VA_KINDS: dict[RecordKind, KindSpec] = {RecordKind(k): s for k, s in CLINICAL_KINDS.items()}


class VaSource(FhirRecordSource):
    """Patients carry their DoD ID here; one identifier search links them all."""

    name: ClassVar[RecordSource] = VA
    provides: ClassVar[frozenset[RecordKind]] = frozenset(VA_KINDS)
    kinds = VA_KINDS

    async def link(self, patients: Sequence[PatientKey]) -> Sequence[Link | SourceError]:
        if not patients:
            return []
        kind = RecordKind.PATIENT.value
        try:
            bundle = await self.client.search(kind, "Patient", identifier_list_search([p.dod_id for p in patients]))
        except SourceError as exc:
            return [exc] * len(patients)
        found = {dod_id_of(p): p for p in bundle.matches("Patient")}
        links: list[Link | SourceError] = []
        for key in patients:
            hit = found.get(key.dod_id)
            refs = (LinkedRef(str(hit.get("id"))),) if hit else ()
            links.append(Link(VA, key.dod_id, refs, demographics(VA, hit) if hit else None))
        return links
