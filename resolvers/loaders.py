"""Every per-request dataloader: links per DoD ID, pages and records per source and kind, topics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any

from aiodataloader import DataLoader

from sources.base import DemographicMatcher, DirectoryEntry, NoteTexts, Page, Query, Source
from sources.calls.deadline import deadline_at
from sources.errors import SourceError, SourceTimeout
from sources.records import (
    Coding,
    Demographics,
    HealthTopicRecord,
    Link,
    NoteContent,
    PatientKey,
    Record,
    RecordKind,
    RecordSource,
)
from sources.registry import rank_of

from .linking import verified, without_rivals
from .ports import HealthLibrary
from .services import Services

__all__ = ["Loaders", "PatientLinks"]

PatientLinks = dict[RecordSource, Link | SourceError]


def _not_linked(links: PatientLinks, name: RecordSource) -> bool:
    """The source answered, and holds no record of the patient by identifier."""
    link = links.get(name)
    return isinstance(link, Link) and not link.linked


def _best_demographics(links: PatientLinks, besides: RecordSource) -> Demographics | None:
    """The demographics of the most authoritative other source that linked the patient."""
    ranked = sorted((n for n in links if n != besides), key=rank_of)
    for name in ranked:
        link = links[name]
        if isinstance(link, Link) and link.linked and link.demographics is not None:
            return link.demographics
    return None


class Loaders:
    """Batches every call of one request into one upstream round trip per source and kind."""

    def __init__(self, services: Services, deadline: float) -> None:
        self._sources = services.sources
        self._link_cache = services.link_cache
        self._deadline = deadline
        # one slow source may not eat the whole request deadline
        self._call_budget = services.settings.source_timeout
        self._identities: DataLoader[str, PatientLinks] = DataLoader(self._load_identities)
        self._links: DataLoader[str, PatientLinks] = DataLoader(self._load_links)
        self._topics: DataLoader[tuple[Coding, ...], list[HealthTopicRecord]] | None = None
        if services.topics is not None:
            self._topics = DataLoader(self._batch_topics(services.topics))
        self._fetch: dict[tuple[RecordSource, RecordKind], DataLoader[Query, Page]] = {}
        self._get: dict[tuple[RecordSource, RecordKind], DataLoader[str, Record | None]] = {}
        self._patients: dict[RecordSource, DataLoader[str, Demographics | None]] = {}
        self._directory: dict[tuple[RecordSource, RecordKind], DataLoader[str, DirectoryEntry | None]] = {}
        self._alike_seen: dict[tuple[RecordSource, str, Any], asyncio.Future[Sequence[Demographics]]] = {}
        self._note_texts: dict[RecordSource, DataLoader[NoteContent, str]] = {}
        self._in_flight = 0  # loads started and not yet answered in this request
        self._idle = asyncio.Event()
        self._idle.set()

    async def settled(self, rounds: int = 3) -> None:
        """Wait until no load has been in flight for `rounds` loop turns (or the deadline passes):
        woken when the last load answers, never polling."""
        quiet = 0
        while quiet < rounds:
            if self._in_flight:
                quiet = 0
                try:
                    async with asyncio.timeout_at(self._deadline):
                        await self._idle.wait()
                except TimeoutError:
                    return
            else:
                await asyncio.sleep(0)  # let sibling fields that are about to load start
                quiet += 1

    @property
    def sources(self) -> Mapping[RecordSource, Source]:
        return self._sources

    async def topics(self, codes: tuple[Coding, ...]) -> list[HealthTopicRecord]:
        """Health topics for one record's codes (batched: one query for the request's records)."""
        if self._topics is None or not codes:
            return []
        found: list[HealthTopicRecord] = await self._counted(self._topics.load(codes))
        return found

    @staticmethod
    def _batch_topics(
        library: HealthLibrary,
    ) -> Callable[[list[tuple[Coding, ...]]], Coroutine[Any, Any, list[list[HealthTopicRecord]]]]:
        async def load(keys: list[tuple[Coding, ...]]) -> list[list[HealthTopicRecord]]:
            return [list(x) for x in await library.for_codes(keys)]

        return load

    async def identities(self, dod_id: str) -> PatientLinks:
        """How this DoD ID links to every source by identifier alone (the same work for anyone)."""
        found: PatientLinks = await self._counted(self._identities.load(dod_id))
        return found

    async def links(self, dod_id: str) -> PatientLinks:
        """How this DoD ID links to every registered source, demographic matches included."""
        found: PatientLinks = await self._counted(self._links.load(dod_id))
        return found

    def kept_links(self, dod_id: str) -> PatientLinks | None:
        """A patient's links from the short link cache (record ids only, no demographics), if kept."""
        return self._link_cache.get(dod_id) if self._link_cache is not None else None

    def keep_links(self, dod_id: str, links: PatientLinks) -> None:
        """Keep a patient's links in the short link cache (it refuses those with a failed source)."""
        if self._link_cache is not None:
            self._link_cache.put(dod_id, links)

    async def fetch(self, source: RecordSource, kind: RecordKind, query: Query) -> Page:
        """One page of one kind from one source; raises SourceError if the source failed."""
        page: Page = await self._counted(self._fetch_loader(source, kind).load(query))
        return page

    def prefetch(self, source: RecordSource, kind: RecordKind, query: Query) -> None:
        """Start `fetch(source, kind, query)` in this loop turn's batch; a later `fetch` of the same
        query gets its answer (or its error) without another call."""
        pending = self._fetch_loader(source, kind).load(query)
        self._in_flight += 1
        self._idle.clear()
        pending.add_done_callback(self._prefetched)

    def _prefetched(self, pending: asyncio.Future[Page]) -> None:
        if not pending.cancelled():
            pending.exception()  # retrieved: a failure is reported by whoever reads the answer
        self._in_flight -= 1
        if not self._in_flight:
            self._idle.set()

    def _fetch_loader(self, source: RecordSource, kind: RecordKind) -> DataLoader[Query, Page]:
        loader = self._fetch.get((source, kind))
        if loader is None:
            loader = DataLoader(self._fetcher(source, kind))
            self._fetch[(source, kind)] = loader
        return loader

    async def get(self, source: RecordSource, kind: RecordKind, source_id: str) -> Record | None:
        """One record by its source id (batched per source and kind)."""
        loader = self._get.get((source, kind))
        if loader is None:
            loader = DataLoader(self._getter(source, kind))
            self._get[(source, kind)] = loader
        record: Record | None = await self._counted(loader.load(source_id))
        return record

    async def patient(self, source: RecordSource, patient_id: str) -> Demographics | None:
        """A source's patient by its own id (batched per source): who owns a record."""
        loader = self._patients.get(source)
        if loader is None:
            loader = DataLoader(self._batch(source, lambda ids: self._sources[source].patients(ids)))
            self._patients[source] = loader
        found: Demographics | None = await self._counted(loader.load(patient_id))
        return found

    async def entry(self, source: RecordSource, kind: RecordKind, entry_id: str) -> DirectoryEntry | None:
        """A practitioner or facility by id (batched per source and kind)."""
        loader = self._directory.get((source, kind))
        if loader is None:
            loader = DataLoader(self._batch(source, lambda ids: self._sources[source].directory(kind, ids)))
            self._directory[(source, kind)] = loader
        found: DirectoryEntry | None = await self._counted(loader.load(entry_id))
        return found

    async def note_text(self, source: RecordSource, content: NoteContent) -> str:
        """A note's text kept in a Binary (batched per source: the request's notes at once)."""
        adapter = self._sources[source]
        if not isinstance(adapter, NoteTexts):
            return ""
        loader = self._note_texts.get(source)
        if loader is None:
            loader = DataLoader(self._batch(source, adapter.note_texts))  # type: ignore[arg-type]
            self._note_texts[source] = loader
        found: str = await self._counted(loader.load(content))
        return found

    async def find_patients(self, source: RecordSource, who: Demographics) -> Sequence[Demographics]:
        """Patients of `source` with `who`'s family name, birth date and gender."""
        adapter = self._sources[source]
        found: Sequence[Demographics] = await self._counted(self._guarded(source, lambda: adapter.find_patients(who)))
        return found

    async def _counted(self, pending: Awaitable[Any]) -> Any:
        self._in_flight += 1
        self._idle.clear()
        try:
            return await pending
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    def _batch(
        self, source: RecordSource, call: Callable[[list[str]], Awaitable[Sequence[Any]]]
    ) -> Callable[[list[str]], Coroutine[Any, Any, list[Any]]]:
        async def load(ids: list[str]) -> list[Any]:
            try:
                found = await self._guarded(source, lambda: call(ids))
            except SourceError as exc:
                return [exc for _ in ids]
            return list(found)

        return load

    async def _guarded(self, source: RecordSource, call: Callable[[], Awaitable[Any]]) -> Any:
        loop = asyncio.get_running_loop()
        if loop.time() >= self._deadline:
            raise SourceTimeout(source)
        deadline = min(self._deadline, loop.time() + self._call_budget)
        with deadline_at(deadline):
            try:
                async with asyncio.timeout_at(deadline + 0.25):
                    return await call()
            except TimeoutError as exc:
                raise SourceTimeout(source) from exc

    def _fetcher(
        self, source: RecordSource, kind: RecordKind
    ) -> Callable[[list[Query]], Coroutine[Any, Any, list[Any]]]:
        async def load(queries: list[Query]) -> list[Any]:
            adapter = self._sources[source]
            try:
                pages = await self._guarded(source, lambda: adapter.fetch(kind, queries))
            except SourceError as exc:
                return [exc for _ in queries]
            return list(pages)

        return load

    def _getter(self, source: RecordSource, kind: RecordKind) -> Callable[[list[str]], Coroutine[Any, Any, list[Any]]]:
        async def load(ids: list[str]) -> list[Any]:
            adapter = self._sources[source]
            try:
                found = await self._guarded(source, lambda: adapter.get(kind, ids))
            except SourceError as exc:
                return [exc for _ in ids]
            return list(found)

        return load

    async def _load_identities(self, dod_ids: list[str]) -> list[PatientLinks]:
        """Every source links by identifier, all at once (one wave)."""
        keys = [PatientKey(d) for d in dod_ids]
        names = sorted(self._sources, key=rank_of)
        answers = await asyncio.gather(*(self._link_all(n, self._sources[n], keys) for n in names))
        out: list[PatientLinks] = [{} for _ in dod_ids]
        for name, results in zip(names, answers, strict=True):
            for i, res in enumerate(results):
                out[i][name] = res
        return out

    async def _load_links(self, dod_ids: list[str]) -> list[PatientLinks]:
        """The identity links; then sources that match on demographics try the patients they did
        not find, with the demographics of the most authoritative source."""
        out = [dict(links) for links in await self._identities.load_many(dod_ids)]
        names = sorted(self._sources, key=rank_of)
        matchers = [n for n in names if isinstance(self._sources[n], DemographicMatcher)]
        for links in out:  # a DoD ID a practice wrote wrong is someone else's: check who it is
            for name in matchers:
                link = links.get(name)
                if isinstance(link, Link) and link.linked:
                    links[name] = verified(link, _best_demographics(links, name))
        await self._match_unlinked(out, dod_ids, names)
        return out

    async def _match_unlinked(self, out: list[PatientLinks], dod_ids: list[str], names: list[RecordSource]) -> None:
        matchers = [n for n in names if isinstance(self._sources[n], DemographicMatcher)]
        calls = []
        for name in matchers:
            wanted = [
                (i, PatientKey(dod_ids[i], found))
                for i, links in enumerate(out)
                if _not_linked(links, name) and (found := _best_demographics(links, name)) is not None
            ]
            if wanted:
                calls.append((name, wanted))
        answers = await asyncio.gather(*(self._match_all(n, [k for _, k in w]) for n, w in calls))
        checks = []
        for (name, wanted), results in zip(calls, answers, strict=True):
            for (i, key), res in zip(wanted, results, strict=True):
                out[i][name] = res
                if isinstance(res, Link) and res.linked and key.demographics is not None:
                    checks.append((i, name, self._unrivalled(name, res, key.demographics)))
        for (i, name, _), checked in zip(checks, await asyncio.gather(*(c for _, _, c in checks)), strict=True):
            out[i][name] = checked

    async def _unrivalled(self, name: RecordSource, link: Link, owner: Demographics) -> Link | SourceError:
        """`link` without the records another patient could as well be (docs/linking.md)."""
        try:
            return await without_rivals(link, owner, lambda who: self._alike(name, who))
        except SourceError as exc:
            return exc  # who else it could be is unknown: attach to nobody

    async def _alike(self, matcher: RecordSource, who: Demographics) -> list[Demographics]:
        """Patients like `who` in every source that links by identifier."""
        others = [n for n in sorted(self._sources, key=rank_of) if n != matcher
                  and not isinstance(self._sources[n], DemographicMatcher)]  # fmt: skip
        found = await asyncio.gather(*(self._alike_at(n, who) for n in others), return_exceptions=True)
        failed = next((f for f in found if isinstance(f, BaseException)), None)
        if failed is not None:
            raise failed
        return [d for group in found if not isinstance(group, BaseException) for d in group]

    def _alike_at(self, source: RecordSource, who: Demographics) -> asyncio.Future[Sequence[Demographics]]:
        """One search per source, family name and birth date in this request."""
        key = (source, who.name.family.casefold(), who.birth_date)
        if key not in self._alike_seen:
            self._alike_seen[key] = asyncio.ensure_future(self.find_patients(source, who))
        return self._alike_seen[key]

    async def _match_all(self, name: RecordSource, keys: Sequence[PatientKey]) -> list[Link | SourceError]:
        source = self._sources[name]
        assert isinstance(source, DemographicMatcher)
        try:
            found = await self._guarded(name, lambda: source.match(keys))
        except SourceError as exc:
            return [exc for _ in keys]
        return list(found)

    async def _link_all(
        self, name: RecordSource, source: Source, keys: Sequence[PatientKey]
    ) -> list[Link | SourceError]:
        try:
            found = await self._guarded(name, lambda: source.link(keys))
        except SourceError as exc:
            return [exc for _ in keys]
        return list(found)
