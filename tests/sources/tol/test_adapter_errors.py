"""The TOL adapter when the archive is slow, closed or broken: typed errors, aligned, reported."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg
import pytest
import pytest_asyncio

from sources.base import PageRequest, Query
from sources.calls.deadline import deadline_scope
from sources.errors import SourceTimeout, SourceUnavailable
from sources.records import Link, LinkedRef, PatientKey, RecordKind, RecordSource
from sources.tol import TOL_ARCHIVE, TolSource
from tests.support.databases import migrate_tol

TOL = TOL_ARCHIVE


@dataclass
class Recorder:
    statuses: list[tuple[str, str]] = field(default_factory=list)

    def upstream_call(self, source: RecordSource, kind: str, status: str, seconds: float) -> None:
        assert source is TOL
        self.statuses.append((kind, status))


def query(account: str) -> Query:
    link = Link(source=TOL, dod_id="1000000001", refs=(LinkedRef(patient_id=account),))
    return Query(link=link, page=PageRequest(first=5))


@pytest_asyncio.fixture(loop_scope="session")
async def archive_dsn(fresh_db: str) -> AsyncIterator[str]:
    await migrate_tol(fresh_db)
    yield fresh_db


async def test_a_statement_past_the_deadline_is_a_timeout(archive_dsn: str) -> None:
    recorder = Recorder()
    pool = await asyncpg.create_pool(archive_dsn, min_size=1, max_size=2)
    locker = await asyncpg.connect(archive_dsn)
    try:
        tol = TolSource(pool, recorder)
        transaction = locker.transaction()
        await transaction.start()
        await locker.execute("LOCK TABLE tol.lab_results IN ACCESS EXCLUSIVE MODE")
        with deadline_scope(0.2):
            answer = await tol.fetch(RecordKind.LAB_RESULT, [query("acct-1"), query("acct-3")])
        await transaction.rollback()
        assert [type(a) for a in answer] == [SourceTimeout, SourceTimeout]
        assert recorder.statuses == [("lab_result", "timeout")]
        # The pool is still usable once the lock is gone.
        await tol.check()
    finally:
        await locker.close()
        await pool.close()


async def test_no_time_left_means_no_statement(archive_dsn: str) -> None:
    recorder = Recorder()
    pool = await asyncpg.create_pool(archive_dsn, min_size=1, max_size=1)
    try:
        tol = TolSource(pool, recorder)
        with deadline_scope(0):
            with pytest.raises(SourceTimeout):
                await tol.check()
            (link,) = await tol.link([PatientKey("1000000001")])
        assert isinstance(link, SourceTimeout)
        assert link.code == "SOURCE_TIMEOUT"
    finally:
        await pool.close()


async def test_a_closed_pool_is_unavailable_for_every_key(archive_dsn: str) -> None:
    recorder = Recorder()
    pool = await asyncpg.create_pool(archive_dsn, min_size=1, max_size=1)
    await pool.close()
    tol = TolSource(pool, recorder)
    with pytest.raises(SourceUnavailable):
        await tol.check()
    links = await tol.link([PatientKey("1000000001"), PatientKey("1000000002")])
    pages = await tol.fetch(RecordKind.APPOINTMENT, [query("acct-1")])
    records = await tol.get(RecordKind.PRESCRIPTION, ["rx-1", "rx-2"])
    for answer in (*links, *pages, *records):
        assert isinstance(answer, SourceUnavailable)
        assert answer.source is TOL and "1000000001" not in str(answer)
    assert recorder.statuses == [
        ("check", "error"),
        ("patient", "error"),
        ("appointment", "error"),
        ("prescription", "error"),
    ]


async def test_an_archive_without_its_schema_is_unavailable(fresh_db: str) -> None:
    pool = await asyncpg.create_pool(fresh_db, min_size=1, max_size=1)
    try:
        tol = TolSource(pool, Recorder())
        (link,) = await tol.link([PatientKey("1000000001")])
        assert isinstance(link, SourceUnavailable)
        assert "UndefinedTableError" in link.detail
        await tol.check()  # the server itself answers
    finally:
        await pool.close()


async def test_an_unreachable_server_is_unavailable() -> None:
    # A port nobody listens on: the pool cannot even open its first connection lazily.
    pool = await asyncpg.create_pool("postgresql://postgres@127.0.0.1:9/postgres", min_size=0, max_size=1)
    try:
        tol = TolSource(pool, Recorder())
        with pytest.raises(SourceUnavailable):
            await asyncio.wait_for(tol.check(), 5)
    finally:
        await pool.close()
