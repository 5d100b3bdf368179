"""A FHIR source's export for the mart: each Group's Bulk Data export, read file by file as records.

Files are read in an order that lets the job link before it de-identifies: Patient first, then
the places (Location, Organization) and enrolments (GENESIS CareTeams), then the clinical types.
Each file is one batch; its checkpoint is the bulk client's state with that file marked read, so
a resumed unit polls the same status URL, or reads only the files it had not finished. Nothing
is written to disk here: resources are mapped as they stream in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..export import ExportBatch, ExportedPatient, Removed
from ..records import FacilityRecord, Record, RecordKind, RecordSource
from .bulk import BulkExportClient, ExportState, ExportThrottled, Manifest, OutputFile
from .bundle import Bundle, Resource
from .mapping import MapContext
from .patients import demographics
from .values import ref_id

__all__ = ["ExportPlan", "FhirRecordExport", "Mapper"]

Mapper = Callable[[Resource, MapContext], Record | None]
_PLACES = ("Location", "Organization")
_KICK_OFF_TRIES = 20


@dataclass(frozen=True)
class ExportPlan:
    """What a FHIR source exports, and how each resource type becomes a record."""

    records: Mapping[str, tuple[RecordKind, Mapper]]
    places: tuple[str, ...] = _PLACES
    enrolment_type: str | None = None  # a type that says where a patient is enrolled (GENESIS: CareTeam)
    enrolment: Callable[[Resource], tuple[str, str] | None] | None = None  # -> (patient id, facility id)
    practices: bool = False  # Patient.managingOrganization is the patient's practice
    type_filters: tuple[str, ...] = ()
    on_genesis: bool = False

    @property
    def types(self) -> tuple[str, ...]:
        """The `_type` list, in the order the files are read."""
        enrolment = (self.enrolment_type,) if self.enrolment_type else ()
        return ("Patient", *self.places, *enrolment, *self.records)


class FhirRecordExport:
    """`RecordExport` over Bulk Data: one unit per configured Group."""

    def __init__(
        self, source: RecordSource, client: BulkExportClient, groups: Sequence[str], plan: ExportPlan
    ) -> None:
        self.source = source
        self._client = client
        self._groups = tuple(groups)
        self._plan = plan

    def units(self) -> Sequence[str]:
        return self._groups

    async def export(
        self, unit: str, *, since: dt.datetime | None = None, resume: Mapping[str, Any] | None = None
    ) -> AsyncIterator[ExportBatch]:
        state = ExportState.from_json(resume["export"]) if resume and resume.get("export") else None
        if state is None:
            state = await self._kick_off(unit, since)
            yield ExportBatch(checkpoint={"export": state.to_json()})
        if state.manifest is None:
            state = await self._client.wait(state)
            yield ExportBatch(checkpoint={"export": state.to_json()})
        manifest = state.manifest
        assert manifest is not None
        context = MapContext(self.source, manifest.transaction_time, Bundle({}), on_genesis=self._plan.on_genesis)
        for item in self._ordered(state.pending, manifest):
            batch = await self._read(manifest, item, context) if item in manifest.output else ExportBatch()
            state = replace(state, downloaded=(*state.downloaded, item.url))
            yield replace(batch, checkpoint={"export": state.to_json()})
        await self._client.cancel(state)
        yield ExportBatch(checkpoint={"export": state.to_json(), "done": True}, as_of=manifest.transaction_time,
                          done=True)

    async def _kick_off(self, unit: str, since: dt.datetime | None) -> ExportState:
        """Kick off; while another export of this client still runs (Millennium allows one), wait."""
        plan = self._plan
        for attempt in range(_KICK_OFF_TRIES):
            try:
                return await self._client.kick_off(unit, types=plan.types, since=since, type_filters=plan.type_filters)
            except ExportThrottled as exc:
                if attempt == _KICK_OFF_TRIES - 1:
                    raise
                await asyncio.sleep(exc.retry_after or self._client.policy.min_delay)
        raise AssertionError("unreachable")

    def _ordered(self, pending: Sequence[OutputFile], manifest: Manifest) -> list[OutputFile]:
        order = {t: i for i, t in enumerate(self._plan.types)}
        return sorted(pending, key=lambda f: (f not in manifest.output, order.get(f.type, len(order))))

    async def _read(self, manifest: Manifest, item: OutputFile, context: MapContext) -> ExportBatch:
        patients: list[ExportedPatient] = []
        records: list[Record] = []
        removed: list[Removed] = []
        places: list[FacilityRecord] = []
        enrolments: dict[str, FacilityRecord] = {}
        plan = self._plan
        async for resource in self._client.resources(manifest, item):
            kind = item.type
            if kind == "Patient":
                if resource.get("active") is not False:
                    patients.append(self._patient(resource))
            elif kind in plan.places:
                places.append(FacilityRecord(str(resource.get("id")), str(resource.get("name") or resource.get("id")),
                                             plan.on_genesis and kind == "Location"))
            elif kind == plan.enrolment_type and plan.enrolment is not None:
                found = plan.enrolment(resource)
                if found is not None:
                    enrolments[found[0]] = FacilityRecord(found[1], found[1], plan.on_genesis)
            elif kind in plan.records:
                record_kind, mapper = plan.records[kind]
                record = mapper(resource, context)
                if record is None:
                    removed.append(Removed(record_kind, str(resource.get("id"))))
                else:
                    records.append(record)
        return ExportBatch(tuple(patients), tuple(records), tuple(removed), tuple(places), enrolments)

    def _patient(self, resource: Resource) -> ExportedPatient:
        practice = None
        if self._plan.practices:
            reference = resource.get("managingOrganization")
            org = ref_id(reference, "Organization")
            if org is not None:
                practice = FacilityRecord(org, str((reference or {}).get("display") or org), False)
        return ExportedPatient(str(resource.get("id")), demographics(self.source, resource), practice)
