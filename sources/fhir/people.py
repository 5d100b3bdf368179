"""Who is who at a FHIR source: patients by id or by demographics, practitioners, locations."""

from __future__ import annotations

from collections.abc import Sequence

from ..agreement import family_parts
from ..base import DirectoryEntry
from ..errors import SourceError
from ..records import Demographics, FacilityRecord, RecordKind
from . import mapping
from .client import FhirClient
from .patients import demographics
from .values import fhir_date

__all__ = ["directory", "find_patients", "patients"]

_TYPES = {RecordKind.PRACTITIONER: "Practitioner", RecordKind.FACILITY: "Location"}


async def patients(client: FhirClient, ids: Sequence[str]) -> list[Demographics | SourceError | None]:
    """`Patient?_id=a,b` (one search): each patient's Demographics, aligned with `ids`."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    params = [("_id", ",".join(wanted)), ("_count", str(len(wanted)))]
    kind = RecordKind.PATIENT.value
    try:
        bundle = await client.search(kind, "Patient", params)
    except SourceError as exc:
        return [exc] * len(ids)
    found = {str(p.get("id")): demographics(client.source, p) for p in bundle.matches("Patient")}
    return [found.get(i) for i in ids]


async def find_patients(client: FhirClient, who: Demographics) -> list[Demographics]:
    """Active patients with `who`'s family name (or a part of it), birth date and gender (one search)."""
    if who.birth_date is None or not who.name.family:
        return []
    params = [("family", who.name.family), ("birthdate", fhir_date(who.birth_date)), ("_count", "50")]
    if who.gender:
        params.append(("gender", who.gender))
    bundle = await client.search(RecordKind.PATIENT.value, "Patient", params)
    out = []
    for patient in bundle.matches("Patient"):
        found = demographics(client.source, patient)
        # the family name, or a part of a hyphenated one (`Garcia` is found among `Garcia-Lopez`)
        shared = family_parts([found.name.family]) & family_parts([who.name.family])
        same = bool(shared) and found.birth_date == who.birth_date
        if same and patient.get("active") is not False:
            out.append(found)
    return out


async def directory(
    client: FhirClient, kind: RecordKind, ids: Sequence[str], *, on_genesis: bool
) -> list[DirectoryEntry | SourceError | None]:
    """Practitioners or Locations by id (one search), aligned with `ids`; None if absent.

    `on_genesis`: whether this source's facilities run MHS GENESIS.
    """
    resource_type = _TYPES.get(kind)
    wanted = sorted(set(ids))
    if resource_type is None or not wanted:
        return [None] * len(ids)
    params = [("_id", ",".join(wanted)), ("_count", str(len(wanted)))]
    try:
        bundle = await client.search(kind.value, resource_type, params)
    except SourceError as exc:
        return [exc] * len(ids)
    found: dict[str, DirectoryEntry] = {}
    for resource in bundle.matches(resource_type):
        rid = str(resource.get("id"))
        if kind is RecordKind.PRACTITIONER:
            found[rid] = mapping.practitioner(resource)
        else:
            name = str(resource.get("name") or rid)
            found[rid] = FacilityRecord(rid, name, on_genesis)
    return [found.get(i) for i in ids]
