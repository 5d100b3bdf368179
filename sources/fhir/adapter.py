"""The read engine FHIR sources share: batched searches, paging, get by id, note contents."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import ClassVar

import aiohttp

from ..base import DirectoryEntry, Download, Page, PageRequest, Query
from ..calls.observe import UpstreamObserver
from ..errors import SourceError, SourceUnavailable
from ..records import Demographics, LinkedRef, NoteContent, Record, RecordKind, RecordSource
from . import business, contents, people
from .bundle import Bundle
from .client import FhirClient, Params, search_url
from .config import FhirSourceConfig
from .kinds import KindSpec
from .mapping import MapContext
from .paging import after, cut
from .values import fhir_instant

__all__ = ["FhirRecordSource"]

_MAX_PAGES = 20
_IDS_PAGE = 1000  # business ids are small: ask for many per page (servers cap it)


class FhirRecordSource:
    """Implements `fetch`, `get` and `check` of `sources.base.Source` from a table of KindSpecs.

    Subclasses set `name`, `provides`, `kinds` and write `link`.
    """

    name: ClassVar[RecordSource]
    provides: ClassVar[frozenset[RecordKind]]
    kinds: ClassVar[Mapping[RecordKind, KindSpec]]
    facilities_on_genesis: ClassVar[bool] = False  # whether this source's facilities run MHS GENESIS

    def __init__(
        self,
        config: FhirSourceConfig,
        session: aiohttp.ClientSession,
        observer: UpstreamObserver,
    ) -> None:
        self.config = config
        self.client = FhirClient(self.name, config, session, observer)

    async def check(self) -> None:
        """Raise a SourceError unless the server answers `GET metadata` now."""
        await self.client.capabilities()

    async def get(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[Record | SourceError | None]:
        """Records by source id (`_id=a,b,c`, one search), aligned with `ids`; None if absent."""
        return await _get(self, kind, ids)

    async def patients(self, ids: Sequence[str]) -> Sequence[Demographics | SourceError | None]:
        """Patients by id (`Patient?_id=a,b`, one search), aligned with `ids`."""
        return await people.patients(self.client, ids)

    async def find_patients(self, who: Demographics) -> Sequence[Demographics]:
        """Active patients with `who`'s family name, birth date and gender (one search)."""
        return await people.find_patients(self.client, who)

    async def directory(self, kind: RecordKind, ids: Sequence[str]) -> Sequence[DirectoryEntry | SourceError | None]:
        """Practitioners or Locations by id (one search), aligned with `ids`."""
        return await people.directory(self.client, kind, ids, on_genesis=self.facilities_on_genesis)

    async def note_texts(self, notes: Sequence[NoteContent]) -> Sequence[str | SourceError]:
        """Texts of notes kept in Binaries (`sources.base.NoteTexts`): one GET each, all at once."""
        return await contents.texts(self.client, RecordKind.CLINICAL_NOTE.value, notes)

    def open_document(self, content: NoteContent, cap: int) -> AbstractAsyncContextManager[Download]:
        """A note's document streamed from this server (`sources.base.NoteDocuments`)."""
        return contents.open_document(self.client, RecordKind.CLINICAL_NOTE.value, content, cap)

    # ---- fetch ---------------------------------------------------------------------------------

    async def fetch(self, kind: RecordKind, queries: Sequence[Query]) -> Sequence[Page | SourceError]:
        """One page per query; all queries go upstream together (one search, or one batch).

        A query that wants a total past the first page adds a `_summary=count` search, and one
        that wants business ids adds an `_elements` search; both ride in the same batch.
        """
        spec = self._spec(kind)
        results: list[Page | SourceError] = [Page((), False)] * len(queries)
        live = [i for i, q in enumerate(queries) if q.link.refs or spec.patient_param is None]
        plans = {i: self._urls(spec, queries[i]) for i in live}
        answers = iter(await self.searches(kind, [u for i in live for u in plans[i].values()]))
        pending: list[tuple[int, Bundle, int | None, Bundle | None]] = []
        for i in live:
            got = {role: next(answers) for role in plans[i]}
            failed = next((a for a in got.values() if isinstance(a, SourceError)), None)
            if failed is not None:
                results[i] = failed
                continue
            page, count, ids = got["page"], got.get("count"), got.get("ids")
            assert isinstance(page, Bundle) and not isinstance(count, SourceError)
            assert not isinstance(ids, SourceError)
            pending.append((i, page, count.total if count is not None else None, ids))
        retrieved = dt.datetime.now(dt.UTC)
        pages = await asyncio.gather(
            *(self._page(kind, spec, queries[i], b, t, retrieved, ids) for i, b, t, ids in pending),
            return_exceptions=True,
        )
        for (i, _, _, _), outcome in zip(pending, pages, strict=True):
            if isinstance(outcome, BaseException) and not isinstance(outcome, SourceError):
                raise outcome
            results[i] = outcome
        return results

    def _urls(self, spec: KindSpec, query: Query) -> dict[str, str]:
        """The searches one query needs, by role: `page`, and `count` / `ids` when asked."""
        urls = {"page": search_url(spec.resource_type, self._page_params(spec, query))}
        if self._separate_count(spec, query):
            urls["count"] = search_url(spec.resource_type, self._count_params(spec, query))
        element = business.element_of(spec.resource_type)
        if spec.keyset and query.page.want_business_ids and element is not None:
            params = [p for p in self._base_params(spec, query) if p[0] not in ("_include", "_revinclude")]
            params += [("_elements", element), ("_count", str(_IDS_PAGE))]
            urls["ids"] = search_url(spec.resource_type, params)
        return urls

    def _spec(self, kind: RecordKind) -> KindSpec:
        spec = self.kinds.get(kind)
        if spec is None:
            raise ValueError(f"{self.name} does not provide {kind.value}")
        return spec

    def _base_params(self, spec: KindSpec, query: Query) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if spec.patient_param is not None:
            ids = sorted({ref.patient_id for ref in query.link.refs})
            out.append((spec.patient_param, ",".join(ids)))
        out += spec.params(query.page.filters)
        f = query.page.filters
        if spec.date_param is not None:
            if f.date_from is not None:
                out.append((spec.date_param, "ge" + fhir_instant(f.date_from)))
            if f.date_to is not None:
                out.append((spec.date_param, "le" + fhir_instant(f.date_to)))
        return out

    def _page_params(self, spec: KindSpec, query: Query) -> Params:
        out = self._base_params(spec, query)
        page = query.page
        if not spec.keyset:
            return [*out, ("_count", str(self.config.page_size))]
        assert spec.date_param is not None
        # first + 1 tells whether more follow; past the first page `le` also returns the record
        # at the position itself, so one more keeps a late page to one round trip, like page 1.
        count = page.first + 1 + (1 if page.after is not None else 0)
        out += [("_sort", f"-{spec.date_param}"), ("_count", str(count))]
        if page.after is not None:
            out.append((spec.date_param, "le" + fhir_instant(page.after.time)))
        elif page.want_total:
            out.append(("_total", "accurate"))
        return out

    def _separate_count(self, spec: KindSpec, query: Query) -> bool:
        return spec.keyset and query.page.want_total and query.page.after is not None

    def _count_params(self, spec: KindSpec, query: Query) -> Params:
        return [*self._base_params(spec, query), ("_summary", "count")]

    async def searches(self, kind: RecordKind, urls: Sequence[str]) -> list[Bundle | SourceError]:
        """Run relative search URLs: one GET for one, else one batch; aligned with `urls`."""
        if not urls:
            return []
        try:
            if len(urls) == 1:
                return [await self.client.follow(kind.value, self.client.url(urls[0]))]
            answers = await self.client.batch(kind.value, [("GET", u) for u in urls])
        except SourceError as exc:
            return [exc] * len(urls)
        out: list[Bundle | SourceError] = []
        for answer in answers:
            if isinstance(answer, SourceError):
                out.append(answer)
            elif answer.get("resourceType") != "Bundle":
                out.append(SourceUnavailable(self.name, "unreadable answer (batch entry)"))
            else:
                out.append(Bundle(answer))
        return out

    def context(
        self,
        bundle: Bundle,
        retrieved: dt.datetime,
        refs: Sequence[LinkedRef] = (),
    ) -> MapContext:
        by_patient = {r.patient_id: r for r in refs}
        return MapContext(self.name, retrieved, bundle, by_patient, self.facilities_on_genesis, self.config.base_url)

    async def _page(
        self,
        kind: RecordKind,
        spec: KindSpec,
        query: Query,
        bundle: Bundle,
        total: int | None,
        retrieved: dt.datetime,
        ids: Bundle | None = None,
    ) -> Page:
        """The page for one query."""
        if not spec.keyset:
            bundle = await self.client.rest_of(kind.value, bundle, _MAX_PAGES)
            ctx = self.context(bundle, retrieved, query.link.refs)
            records = spec.records(bundle, ctx, query.page)
            found = len(records) if query.page.want_total else None
            page = cut(records, query.page, found, ascending=spec.ascending)
            if query.page.want_business_ids:
                held = tuple(b for r in records if (b := getattr(r, "business_id", None)))
                page = dataclasses.replace(page, business_ids=held)
            return page
        held_ids: tuple[str, ...] | None = None
        if ids is not None:
            ids = await self.client.rest_of(kind.value, ids, _MAX_PAGES)
            held_ids = business.business_ids(spec.resource_type, [ids])
        for _ in range(_MAX_PAGES):
            ctx = self.context(bundle, retrieved, query.link.refs)
            records = spec.records(bundle, ctx, query.page)
            kept = sum(1 for r in records if after(r, query.page.after))
            if kept > query.page.first or bundle.next_url is None:
                break
            # Hits were dropped (ties already seen, entered-in-error): read on, rarely needed.
            bundle = bundle.merged(await self.client.follow(kind.value, bundle.next_url))
        page = cut(records, query.page, total if total is not None else bundle.total)
        if held_ids is not None:
            page = dataclasses.replace(page, business_ids=held_ids)
        return page


async def _get(source: FhirRecordSource, kind: RecordKind, ids: Sequence[str]) -> Sequence[Record | SourceError | None]:
    spec = source._spec(kind)
    wanted = sorted(set(ids))
    if not wanted:
        return []
    params = [("_id", ",".join(wanted)), *spec.get_params, ("_count", str(len(wanted)))]
    try:
        bundle = await source.client.search(kind.value, spec.resource_type, params)
        bundle = await source.client.rest_of(kind.value, bundle, _MAX_PAGES)
    except SourceError as exc:
        return [exc] * len(ids)
    ctx = source.context(bundle, dt.datetime.now(dt.UTC))
    records = spec.records(bundle, ctx, PageRequest(first=len(wanted)))
    results: list[Page | SourceError] = [Page(tuple(records), False)]
    if isinstance(results[0], SourceError):
        return [results[0]] * len(ids)
    by_id = {r.provenance.source_id: r for r in results[0].items}
    return [by_id.get(i) for i in ids]
