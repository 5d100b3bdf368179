"""Reading the portal: each patient's threads, a thread's messages, renewal requests, assignments.

One search per record kind for every patient of the request (`patient=a,b,c`); a thread's messages
are one search per thread. The portal answers FHIR-shaped resources, which `sources/genesis/mapping.py`
maps as it did when they came from FHIR; lists are short and paged here, newest first.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from ...base import Page, PageRequest, Query
from ...errors import SourceError
from ...fhir.bundle import Bundle
from ...fhir.mapping import MapContext
from ...fhir.paging import cut, sort_key
from ...fhir.values import ref_id
from ...records import LinkedRef, Record, RecordKind
from .. import mapping
from ..name import GENESIS
from .client import Json, PortalClient

__all__ = ["bundle_of", "context", "read_assignments", "read_messages", "read_records", "read_renewals",
           "read_threads", "thread_members"]  # fmt: skip

Mapper = Callable[[Bundle, MapContext, PageRequest], Sequence[Record]]


def bundle_of(resources: Iterable[Json]) -> Bundle:
    """The portal's items as a searchset, so the FHIR-shaped mappings read them as before."""
    return Bundle({"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]})


def context(resources: Iterable[Json], refs: Sequence[LinkedRef] = ()) -> MapContext:
    return MapContext(GENESIS, dt.datetime.now(dt.UTC), bundle_of(resources), {r.patient_id: r for r in refs},
                      on_genesis=True)  # fmt: skip


def _patients(queries: Sequence[Query]) -> list[str]:
    return sorted({ref.patient_id for q in queries for ref in q.link.refs})


def _owner(resource: Json, field: str) -> str | None:
    return ref_id(resource.get(field), "Patient")


def _in_window(record: Record, page: PageRequest) -> bool:
    time = sort_key(record)[0]
    f = page.filters
    return (f.date_from is None or time >= f.date_from) and (f.date_to is None or time <= f.date_to)


def _page(records: Sequence[Record], page: PageRequest, windowed: bool = False) -> Page:
    """The page asked for; `windowed` lists (renewal requests) also keep to the date filters."""
    kept = [r for r in records if not windowed or _in_window(r, page)]
    return cut(kept, page, len(kept) if page.want_total else None)


async def _per_patient(client: PortalClient, kind: RecordKind, path: str, owner: str, queries: Sequence[Query],
                       records: Mapper, extra: Sequence[tuple[str, str]] = (), windowed: bool = False,
                       ) -> list[Page | SourceError]:  # fmt: skip
    """One search for every patient of `queries`, split back by owner, mapped and paged."""
    wanted = _patients(queries)
    if not wanted:
        return [Page((), False) for _ in queries]
    try:
        found = await client.search(kind.value, path, [("patient", ",".join(wanted)), *extra])
    except SourceError as exc:
        return [exc for _ in queries]
    out: list[Page | SourceError] = []
    for q in queries:
        mine = {ref.patient_id for ref in q.link.refs}
        held = [r for r in found if _owner(r, owner) in mine]
        ctx = context(held, q.link.refs)
        out.append(_page(records(ctx.bundle, ctx, q.page), q.page, windowed))
    return out


async def read_threads(client: PortalClient, queries: Sequence[Query]) -> list[Page | SourceError]:
    return await _per_patient(client, RecordKind.MESSAGE_THREAD, "messages", "subject", queries, mapping.threads)


def _renewals(bundle: Bundle, ctx: MapContext, _page: PageRequest) -> Sequence[Record]:
    return [r for t in bundle.matches("Task") if (r := mapping.renewal(t, ctx)) is not None]


def _assignments(bundle: Bundle, ctx: MapContext, page: PageRequest) -> Sequence[Record]:
    found = [r for t in bundle.matches("Task") if (r := mapping.assignment(t, ctx)) is not None]
    return mapping.pending_filter(found, page)


async def read_renewals(client: PortalClient, queries: Sequence[Query]) -> list[Page | SourceError]:
    return await _per_patient(client, RecordKind.RENEWAL_REQUEST, "renewals", "for", queries, _renewals,
                              windowed=True)  # fmt: skip


async def read_assignments(client: PortalClient, queries: Sequence[Query]) -> list[Page | SourceError]:
    pending = bool(queries) and all(q.page.filters.pending_only for q in queries)
    extra = [("status", "requested")] if pending else []
    return await _per_patient(client, RecordKind.QUESTIONNAIRE_ASSIGNMENT, "assignments", "for", queries,
                              _assignments, extra)  # fmt: skip


async def thread_members(client: PortalClient, kind: str, thread_id: str, patients: Iterable[str]) -> list[Json]:
    """A thread's root and replies, if the thread is one of `patients`'."""
    return await client.search(kind, "messages", [("thread", thread_id), ("patient", ",".join(sorted(patients)))])


async def read_messages(client: PortalClient, queries: Sequence[Query]) -> list[Page | SourceError]:
    async def one(q: Query) -> Page | SourceError:
        patients = {ref.patient_id for ref in q.link.refs}
        if not q.page.filters.thread_id or not patients:
            return Page((), False)
        try:
            found = await thread_members(client, RecordKind.MESSAGE.value, q.page.filters.thread_id, patients)
        except SourceError as exc:
            return exc
        ctx = context(found, q.link.refs)
        return _page(mapping.messages(ctx.bundle, ctx, q.page), q.page)

    return list(await asyncio.gather(*(one(q) for q in queries)))


_BY_ID: dict[RecordKind, tuple[str, str]] = {
    RecordKind.MESSAGE_THREAD: ("messages", "thread"),
    RecordKind.MESSAGE: ("messages", "id"),
    RecordKind.RENEWAL_REQUEST: ("renewals", "id"),
    RecordKind.QUESTIONNAIRE_ASSIGNMENT: ("assignments", "id"),
}


def _map_all(kind: RecordKind, found: list[Json]) -> list[Record]:
    ctx = context(found)
    bundle, everything = ctx.bundle, PageRequest(first=max(1, len(found)))
    if kind is RecordKind.MESSAGE_THREAD:
        return list(mapping.threads(bundle, ctx, everything))
    if kind is RecordKind.MESSAGE:
        return [m for c in found if (m := mapping.message(c, ctx)) is not None]
    if kind is RecordKind.RENEWAL_REQUEST:
        return list(_renewals(bundle, ctx, everything))
    return list(_assignments(bundle, ctx, everything))


async def read_records(
    client: PortalClient, kind: RecordKind, ids: Sequence[str]
) -> list[Record | SourceError | None]:
    """Records by id (one search), aligned with `ids`; None where the portal holds none."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    path, param = _BY_ID[kind]
    try:
        found = await client.search(kind.value, path, [(param, ",".join(wanted))])
    except SourceError as exc:
        return [exc for _ in ids]
    by_id: dict[str, Record] = {r.provenance.source_id: r for r in _map_all(kind, found)}
    return [by_id.get(i) for i in ids]
