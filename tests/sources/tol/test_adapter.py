"""The TOL archive adapter over a real PostgreSQL archive: linking, paging, filters, mapping."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import asyncpg
import pytest
import pytest_asyncio

from sources.base import Filters, Page, PageRequest, Position, Query
from sources.duplicates import LabIdentity, parse_lab_identity
from sources.errors import SourceError
from sources.records import (
    AppointmentRecord,
    AppointmentStatus,
    CareService,
    Interpretation,
    LabResultRecord,
    Link,
    LinkedRef,
    MessageFolder,
    MessageRecord,
    MessageThreadRecord,
    PatientKey,
    PrescriptionRecord,
    Quantity,
    RecordKind,
    RecordSource,
)
from sources.tol import TOL_ARCHIVE, TolSource
from tests.support.databases import fresh_database, migrate_tol, pool_on

TOL = TOL_ARCHIVE
EST = dt.timezone(dt.timedelta(hours=-5))

ARCHIVE = """
INSERT INTO tol.facilities VALUES
  ('fac-legacy', 'Fort Legacy Army Health Clinic', NULL),
  ('fac-bragg', 'Womack Army Medical Center', DATE '2020-01-01');
INSERT INTO tol.accounts VALUES
  ('acct-1', '1000000001', 'Alex Jordan', 'Rivera', DATE '1990-04-02', 'F', 'fac-legacy'),
  ('acct-3', '1000000003', 'Sam', 'Okafor', DATE '1975-11-30', 'M', 'fac-legacy'),
  ('acct-8', '1000000008', 'Pat', 'Lee', NULL, NULL, NULL);

-- acct-1: five labs, two at the same instant (order by id), one entered in error.
INSERT INTO tol.lab_results (result_id, account_id, accession_number, loinc_code, test_name,
    value_numeric, value_text, unit, ref_low, ref_high, ref_text, abnormal_flag, collected_at,
    status, entered_in_error) VALUES
  ('lab-1a', 'acct-1', 'ACC-100', '4548-4', 'Hemoglobin A1c', 7.2, NULL, '%', 4.0, 5.6, NULL, 'H',
   '2019-03-01T08:30:00-05:00', 'FINAL', false),
  ('lab-1b', 'acct-1', 'ACC-101', '2345-7', 'Glucose', 92, NULL, 'mg/dL', 70, 99, NULL, 'N',
   '2019-03-01T08:30:00-05:00', 'CORRECTED', false),
  ('lab-1c', 'acct-1', 'ACC-102', '630-4', 'Urine culture', NULL, 'No growth', NULL, NULL, NULL,
   'No growth', 'N', '2018-07-14T10:00:00+00:00', 'PRELIMINARY', false),
  ('lab-1d', 'acct-1', 'ACC-103', '4548-4', 'Hemoglobin A1c', 6.1, NULL, '%', 4.0, 5.6, NULL, 'H',
   '2017-01-10T09:00:00+00:00', 'FINAL', false),
  ('lab-1x', 'acct-1', 'ACC-199', '2345-7', 'Glucose', 400, NULL, 'mg/dL', 70, 99, NULL, 'HH',
   '2019-06-01T09:00:00+00:00', 'FINAL', true);
-- acct-3: seven labs, three sharing one instant.
INSERT INTO tol.lab_results (result_id, account_id, accession_number, loinc_code, test_name,
    value_numeric, unit, collected_at, status) VALUES
  ('lab-3a', 'acct-3', 'ACC-300', '718-7', 'Hemoglobin', 13.1, 'g/dL', '2016-05-05T12:00:00Z', 'FINAL'),
  ('lab-3b', 'acct-3', 'ACC-301', '718-7', 'Hemoglobin', 13.4, 'g/dL', '2016-05-05T12:00:00Z', 'FINAL'),
  ('lab-3c', 'acct-3', 'ACC-302', '718-7', 'Hemoglobin', 12.9, 'g/dL', '2016-05-05T12:00:00Z', 'FINAL'),
  ('lab-3d', 'acct-3', 'ACC-303', '2160-0', 'Creatinine', 1.1, 'mg/dL', '2015-01-01T00:00:00Z', 'FINAL'),
  ('lab-3e', 'acct-3', 'ACC-304', '2160-0', 'Creatinine', 1.0, 'mg/dL', '2014-01-01T00:00:00Z', 'FINAL'),
  ('lab-3f', 'acct-3', 'ACC-305', '2160-0', 'Creatinine', 0.9, 'mg/dL', '2013-01-01T00:00:00Z', 'FINAL'),
  ('lab-3g', 'acct-3', 'ACC-306', '2160-0', 'Creatinine', 0.8, 'mg/dL', '2012-01-01T00:00:00Z', 'FINAL');

INSERT INTO tol.appointments VALUES
  ('appt-1', 'acct-1', 'fac-legacy', '2019-02-01T14:00:00Z', '2019-02-01T14:30:00Z', 'KEPT',
   'PRIMARY_CARE', 'Dana M. Whitfield', 'Annual physical', false),
  ('appt-2', 'acct-1', 'fac-legacy', '2019-01-15T14:00:00Z', NULL, 'NO_SHOW',
   'DENTAL', NULL, 'Cleaning', false),
  ('appt-3', 'acct-1', NULL, '2018-11-01T14:00:00Z', NULL, 'KEPT',
   'OPTOMETRY', 'Lee Park', 'Eye exam', false),
  ('appt-4', 'acct-1', 'fac-legacy', '2018-10-01T14:00:00Z', NULL, 'CANCELLED',
   'PRIMARY_CARE', NULL, 'Follow-up', false),
  ('appt-x', 'acct-1', 'fac-legacy', '2019-03-01T14:00:00Z', NULL, 'KEPT',
   'PRIMARY_CARE', NULL, 'Wrong patient', true);

INSERT INTO tol.prescriptions VALUES
  ('rx-1', 'acct-1', 'RX-5001', 'Metformin ER 500 MG Oral Tablet', '860975',
   'Take 1 tablet by mouth daily', 'Dana M. Whitfield', DATE '2019-01-02', DATE '2099-01-02',
   3, 1, 'ACTIVE', false),
  ('rx-2', 'acct-1', 'RX-5002', 'Lisinopril 10 MG Oral Tablet', '314076', NULL, NULL,
   DATE '2018-06-01', DATE '2019-06-01', 2, 5, 'ACTIVE', false),
  ('rx-3', 'acct-1', 'RX-5003', 'Amoxicillin 500 MG Oral Capsule', NULL, NULL, NULL,
   DATE '2017-06-01', DATE '2017-06-11', 0, 0, 'EXPIRED', false),
  ('rx-4', 'acct-1', 'RX-5004', 'Ibuprofen 600 MG Oral Tablet', '197806', NULL, NULL,
   DATE '2017-05-01', NULL, 1, 0, 'DISCONTINUED', false),
  ('rx-x', 'acct-1', 'RX-5099', 'Warfarin 5 MG Oral Tablet', '855332', NULL, NULL,
   DATE '2019-02-01', NULL, 1, 0, 'ACTIVE', true);

INSERT INTO tol.message_threads VALUES
  ('thr-1', 'acct-1', 'Lab question', 'INBOX', '2019-01-01T10:00:00Z', '2019-01-03T10:00:00Z'),
  ('thr-2', 'acct-1', 'Refill request', 'SENT', '2018-05-01T10:00:00Z', '2018-05-01T10:00:00Z'),
  ('thr-3', 'acct-3', 'Appointment change', 'ARCHIVE', '2016-01-01T10:00:00Z',
   '2016-01-02T10:00:00Z');
INSERT INTO tol.messages VALUES
  ('msg-1', 'thr-1', '2019-01-01T10:00:00Z', 'Alex Rivera', true, 'Is my A1c result normal?'),
  ('msg-2', 'thr-1', '2019-01-02T10:00:00Z', 'Dana M. Whitfield', false, 'It is a little high.'),
  ('msg-3', 'thr-1', '2019-01-03T10:00:00Z', 'Alex Rivera', true, 'Thank you.'),
  ('msg-4', 'thr-2', '2018-05-01T10:00:00Z', 'Alex Rivera', true, 'Please refill lisinopril.'),
  ('msg-5', 'thr-3', '2016-01-02T10:00:00Z', 'Sam Okafor', true, 'Can I move my visit?');
"""


@dataclass
class Recorder:
    """An UpstreamObserver that keeps every call."""

    calls: list[tuple[RecordSource, str, str]] = field(default_factory=list)

    def upstream_call(self, source: RecordSource, kind: str, status: str, seconds: float) -> None:
        assert seconds >= 0
        self.calls.append((source, kind, status))


async def _archive(dsn: str) -> None:
    await migrate_tol(dsn)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(ARCHIVE)
    finally:
        await conn.close()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def archive_pool(pg_admin_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A database holding the TOL schema and the small archive above (read-only tests)."""
    async with fresh_database(pg_admin_dsn, "test_tol", prepare=_archive) as dsn, pool_on(dsn) as pool:
        yield pool


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def tol(archive_pool: asyncpg.Pool, recorder: Recorder) -> TolSource:
    return TolSource(archive_pool, recorder)


def linked(account: str, dod_id: str = "1000000001") -> Link:
    return Link(source=TOL, dod_id=dod_id, refs=(LinkedRef(patient_id=account),))


NOT_LINKED = Link(source=TOL, dod_id="1000000002")


def ask(link: Link, first: int = 20, after: Position | None = None, **filters: object) -> Query:
    want_total = bool(filters.pop("want_total", False))
    return Query(
        link=link,
        page=PageRequest(
            first=first,
            after=after,
            filters=Filters(**filters),
            want_total=want_total,  # type: ignore[arg-type]
        ),
    )


def pages(answer: Sequence[Page | SourceError]) -> list[Page]:
    assert all(isinstance(a, Page) for a in answer), answer
    return [a for a in answer if isinstance(a, Page)]


def ids(page: Page) -> list[str]:
    return [item.provenance.source_id for item in page.items]  # type: ignore[union-attr]


# --- linking -----------------------------------------------------------------------------------


async def test_link_finds_known_dod_ids_in_one_query(tol: TolSource, recorder: Recorder) -> None:
    keys = [PatientKey("1000000001"), PatientKey("1000000002"), PatientKey("1000000003"), PatientKey("1000000001")]
    links = await tol.link(keys)
    assert recorder.calls == [(TOL, "patient", "ok")]
    assert [link.dod_id for link in links] == ["1000000001", "1000000002", "1000000003", "1000000001"]  # type: ignore[union-attr]
    first, unknown, third, again = links
    assert isinstance(first, Link) and isinstance(unknown, Link) and isinstance(third, Link)
    assert [r.patient_id for r in first.refs] == ["acct-1"]
    assert first.refs[0].organization == "Fort Legacy Army Health Clinic"
    assert first.demographics is not None
    assert first.demographics.name.given == ("Alex", "Jordan")
    assert first.demographics.gender == "female"
    assert first.demographics.birth_date == dt.date(1990, 4, 2)
    assert not unknown.linked and unknown.refs == ()
    assert [r.patient_id for r in third.refs] == ["acct-3"]
    assert again == first


async def test_link_of_nobody_asks_nothing(tol: TolSource, recorder: Recorder) -> None:
    assert await tol.link([]) == []
    assert recorder.calls == []


# --- paging ------------------------------------------------------------------------------------


async def expected_labs(pool: asyncpg.Pool, account: str) -> list[str]:
    rows = await pool.fetch(
        "SELECT result_id FROM tol.lab_results WHERE account_id = $1 AND NOT entered_in_error "
        "ORDER BY collected_at DESC, result_id DESC",
        account,
    )
    return [r["result_id"] for r in rows]


async def test_keyset_paging_over_several_patients_has_no_gap_or_repeat(
    tol: TolSource, archive_pool: asyncpg.Pool, recorder: Recorder
) -> None:
    links = [linked("acct-1"), NOT_LINKED, linked("acct-3", "1000000003")]
    seen: list[list[str]] = [[], [], []]
    after: list[Position | None] = [None, None, None]
    more = [True, True, True]
    calls = 0
    while any(more):
        asked = [i for i in range(3) if more[i]]
        answer = pages(await tol.fetch(RecordKind.LAB_RESULT, [ask(links[i], first=2, after=after[i]) for i in asked]))
        calls += 1
        for i, page in zip(asked, answer, strict=True):
            assert len(page.items) <= 2
            seen[i] += ids(page)
            if page.items:
                last = page.items[-1]
                assert isinstance(last, LabResultRecord)
                after[i] = Position(last.sort_time, last.provenance.source_id)
            more[i] = page.has_more
    assert seen[0] == await expected_labs(archive_pool, "acct-1")
    assert seen[0] == ["lab-1b", "lab-1a", "lab-1c", "lab-1d"]  # same instant: higher id first
    assert seen[1] == []
    assert seen[2] == await expected_labs(archive_pool, "acct-3")
    assert len(seen[2]) == 7
    assert len(recorder.calls) == calls == 4  # one statement per call, for every patient at once


async def test_totals_only_when_asked_and_without_hidden_rows(tol: TolSource) -> None:
    with_total, without, unlinked = pages(
        await tol.fetch(
            RecordKind.LAB_RESULT,
            [
                ask(linked("acct-1"), first=1, want_total=True),
                ask(linked("acct-3"), first=1),
                ask(NOT_LINKED, want_total=True),
            ],
        )
    )
    assert with_total.total == 4 and with_total.has_more and len(with_total.items) == 1
    assert without.total is None
    assert unlinked.total == 0 and unlinked.items == () and not unlinked.has_more


async def test_first_zero_counts_without_items(tol: TolSource) -> None:
    (page,) = pages(await tol.fetch(RecordKind.APPOINTMENT, [ask(linked("acct-1"), first=0, want_total=True)]))
    assert page.items == () and page.has_more and page.total == 4


async def test_only_unlinked_patients_need_no_statement(tol: TolSource, recorder: Recorder) -> None:
    (page,) = pages(await tol.fetch(RecordKind.LAB_RESULT, [ask(NOT_LINKED)]))
    assert page == Page(items=(), has_more=False, total=None)
    assert recorder.calls == []


# --- mapping -----------------------------------------------------------------------------------


async def test_lab_results_keep_their_offset_values_and_accession(tol: TolSource) -> None:
    (page,) = pages(await tol.fetch(RecordKind.LAB_RESULT, [ask(linked("acct-1"))]))
    by_id = {item.provenance.source_id: item for item in page.items}
    a1c = by_id["lab-1a"]
    assert isinstance(a1c, LabResultRecord)
    assert a1c.effective_at == dt.datetime(2019, 3, 1, 8, 30, tzinfo=EST)
    assert a1c.effective_at.utcoffset() is not None
    assert a1c.business_id and lab_key(a1c.business_id).accession == "ACC-100"
    assert a1c.code.system == "http://loinc.org" and a1c.code.code == "4548-4"
    assert a1c.value_quantity == Quantity(7.2, "%")
    assert a1c.reference_range is not None and a1c.reference_range.high == Quantity(5.6, "%")
    assert a1c.interpretation is Interpretation.HIGH and a1c.status == "final"
    assert a1c.provenance.source is TOL
    assert a1c.provenance.organization == "Fort Legacy Army Health Clinic"
    assert a1c.provenance.retrieved_at.tzinfo is not None
    assert by_id["lab-1b"].status == "corrected"  # type: ignore[union-attr]
    culture = by_id["lab-1c"]
    assert isinstance(culture, LabResultRecord)
    assert culture.value_quantity is None and culture.value_string == "No growth"
    assert "lab-1x" not in by_id


async def test_appointments_map_legacy_statuses_and_clinics(tol: TolSource) -> None:
    (page,) = pages(await tol.fetch(RecordKind.APPOINTMENT, [ask(linked("acct-1"))]))
    items = [i for i in page.items if isinstance(i, AppointmentRecord)]
    assert [(a.provenance.source_id, a.status, a.service) for a in items] == [
        ("appt-1", AppointmentStatus.FULFILLED, CareService.PRIMARY_CARE),
        ("appt-2", AppointmentStatus.NOSHOW, CareService.DENTAL),
        ("appt-3", AppointmentStatus.FULFILLED, CareService.SPECIALTY),
        ("appt-4", AppointmentStatus.CANCELLED, CareService.PRIMARY_CARE),
    ]
    physical = items[0]
    assert physical.description == "Annual physical"
    assert physical.facility is not None and not physical.facility.on_genesis
    assert physical.facility.name == "Fort Legacy Army Health Clinic"
    assert physical.practitioner is not None and physical.practitioner.name.family == "Whitfield"
    assert items[2].facility is None  # no clinic recorded: the home facility still names the org
    assert items[2].provenance.organization == "Fort Legacy Army Health Clinic"


async def test_prescriptions_map_status_refills_and_rx_number(tol: TolSource) -> None:
    (page,) = pages(await tol.fetch(RecordKind.PRESCRIPTION, [ask(linked("acct-1"))]))
    items = [i for i in page.items if isinstance(i, PrescriptionRecord)]
    assert [(p.provenance.source_id, p.status, p.refills_remaining) for p in items] == [
        ("rx-1", "active", 2),
        ("rx-2", "completed", 0),  # ACTIVE in the archive but past its expiry; used > authorized
        ("rx-3", "completed", 0),
        ("rx-4", "stopped", 1),
    ]
    metformin = items[0]
    assert metformin.business_id == "RX-5001"
    assert metformin.medication.code == "860975" and metformin.refills_allowed == 3
    assert metformin.authored_on == dt.date(2019, 1, 2)
    assert metformin.dosage_instructions == "Take 1 tablet by mouth daily"
    assert items[2].medication.code == "Amoxicillin 500 MG Oral Capsule"  # no RxNorm kept


async def test_prescription_paging_by_date(tol: TolSource) -> None:
    (first,) = pages(await tol.fetch(RecordKind.PRESCRIPTION, [ask(linked("acct-1"), first=2)]))
    last = first.items[-1]
    assert isinstance(last, PrescriptionRecord)
    (rest,) = pages(
        await tol.fetch(
            RecordKind.PRESCRIPTION,
            [ask(linked("acct-1"), first=2, after=Position(last.sort_time, "rx-2"))],
        )
    )
    assert ids(first) + ids(rest) == ["rx-1", "rx-2", "rx-3", "rx-4"] and not rest.has_more


async def test_threads_are_archived_with_their_message_count(tol: TolSource) -> None:
    (page,) = pages(await tol.fetch(RecordKind.MESSAGE_THREAD, [ask(linked("acct-1"))]))
    threads = [t for t in page.items if isinstance(t, MessageThreadRecord)]
    assert [(t.provenance.source_id, t.folder, t.message_count) for t in threads] == [
        ("thr-1", MessageFolder.ARCHIVE, 3),
        ("thr-2", MessageFolder.ARCHIVE, 1),
    ]
    assert threads[0].subject == "Lab question"


# --- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "filters", "expected"),
    [
        (RecordKind.LAB_RESULT, {"code": "4548-4"}, ["lab-1a", "lab-1d"]),
        (
            RecordKind.LAB_RESULT,
            {
                "date_from": dt.datetime(2018, 1, 1, tzinfo=dt.UTC),
                "date_to": dt.datetime(2019, 3, 1, 8, 30, tzinfo=EST),
            },
            ["lab-1b", "lab-1a", "lab-1c"],
        ),
        (RecordKind.APPOINTMENT, {"statuses": (AppointmentStatus.FULFILLED,)}, ["appt-1", "appt-3"]),
        (
            RecordKind.APPOINTMENT,
            {"statuses": (AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED)},
            ["appt-2", "appt-4"],
        ),
        (RecordKind.APPOINTMENT, {"service": CareService.SPECIALTY}, ["appt-3"]),
        (
            RecordKind.APPOINTMENT,
            {"service": CareService.PRIMARY_CARE, "statuses": (AppointmentStatus.FULFILLED,)},
            ["appt-1"],
        ),
        (RecordKind.PRESCRIPTION, {"active_only": True}, ["rx-1"]),
        (RecordKind.PRESCRIPTION, {"date_from": dt.datetime(2018, 1, 1, tzinfo=dt.UTC)}, ["rx-1", "rx-2"]),
        (RecordKind.MESSAGE_THREAD, {"folder": MessageFolder.ARCHIVE}, ["thr-1", "thr-2"]),
        (RecordKind.MESSAGE_THREAD, {"folder": MessageFolder.INBOX}, []),
        (RecordKind.MESSAGE, {"thread_id": "thr-1"}, ["msg-3", "msg-2", "msg-1"]),
        (RecordKind.MESSAGE, {"thread_id": "thr-3"}, []),  # another patient's thread
    ],
)
async def test_filters(tol: TolSource, kind: RecordKind, filters: dict[str, object], expected: list[str]) -> None:
    (page,) = pages(await tol.fetch(kind, [ask(linked("acct-1"), want_total=True, **filters)]))
    assert ids(page) == expected
    assert page.total == len(expected)


async def test_each_query_keeps_its_own_filters_in_one_call(tol: TolSource, recorder: Recorder) -> None:
    messages_1, messages_2 = pages(
        await tol.fetch(
            RecordKind.MESSAGE,
            [ask(linked("acct-1"), thread_id="thr-1", first=1), ask(linked("acct-1"), thread_id="thr-2")],
        )
    )
    assert ids(messages_1) == ["msg-3"] and messages_1.has_more
    assert ids(messages_2) == ["msg-4"] and not messages_2.has_more
    message = messages_1.items[0]
    assert isinstance(message, MessageRecord)
    assert message.thread_id == "thr-1" and message.from_patient and message.sender == "Alex Rivera"
    assert len(recorder.calls) == 1


# --- by id -------------------------------------------------------------------------------------


async def test_get_is_aligned_and_hides_entered_in_error(tol: TolSource) -> None:
    got = await tol.get(RecordKind.LAB_RESULT, ["lab-3b", "nope", "lab-1x", "lab-1a"])
    assert [g.provenance.source_id if g else None for g in got] == [  # type: ignore[union-attr]
        "lab-3b",
        None,
        None,
        "lab-1a",
    ]
    (thread,) = await tol.get(RecordKind.MESSAGE_THREAD, ["thr-3"])
    assert isinstance(thread, MessageThreadRecord) and thread.message_count == 1
    assert await tol.get(RecordKind.CLINICAL_NOTE, ["x"]) == [None]


def test_tol_declares_what_it_provides() -> None:
    assert TolSource.name is TOL
    assert TolSource.provides == {
        RecordKind.APPOINTMENT,
        RecordKind.LAB_RESULT,
        RecordKind.PRESCRIPTION,
        RecordKind.MESSAGE_THREAD,
        RecordKind.MESSAGE,
    }


def lab_key(key: str) -> LabIdentity:
    """A lab result's identity key, parsed (the accession inside)."""
    parsed = parse_lab_identity(key)
    assert parsed is not None
    return parsed
