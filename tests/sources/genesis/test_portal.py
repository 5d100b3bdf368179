"""The GENESIS patient portal: the sandbox's service and the gateway's client, with the generic GENESIS
sandbox and with the Millennium profile on (the portal path is the same either way)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox.fhir import FhirServer
from sandbox.millennium import MillenniumProfile
from sandbox.portal import KEY_SYSTEM
from sources.base import Filters, Page
from sources.capabilities import Feature
from sources.errors import SourceError, SourceUnavailable
from sources.genesis import GenesisSource
from sources.genesis.capabilities import NO_PORTAL, fhir_offer
from sources.genesis.kinds import GENESIS_KINDS
from sources.records import QuestionnaireItemRecord, QuestionnaireItemType, RecordKind, RenewalStatus
from sources.writes import NewThread, NotSupported, RenewalAsk, Reply, Submission, WriteRefused

from ..fhir.support import Recorder, config_for, running, set_faults
from .portal_support import portal_for, service_of, with_portal
from .test_genesis import dataset, query

NOW = dt.datetime(2024, 3, 10, 12, 0, tzinfo=dt.UTC)
ITEMS = (QuestionnaireItemRecord("1", "Pain?", QuestionnaireItemType.BOOLEAN, True, (), ()),)


@pytest_asyncio.fixture(params=["generic", "millennium"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[FhirServer]:
    profile = MillenniumProfile() if request.param == "millennium" else None
    async with running(dataset(), parts=with_portal(dataset()), profile=profile) as started:
        yield started


def source_of(server: FhirServer, http: aiohttp.ClientSession) -> GenesisSource:
    return GenesisSource(config_for(server), http, Recorder(), portal_for(server, http))


def stored(server: FhirServer, resource_type: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = service_of(server).store.all(resource_type)
    return found


async def test_reads_come_from_the_portal_not_fhir(server: FhirServer, http: aiohttp.ClientSession) -> None:
    source = source_of(server, http)
    server.recorder.clear()
    (threads,) = await source.fetch(RecordKind.MESSAGE_THREAD, [query("g0")])
    assert [t.provenance.source_id for t in threads.items] == ["m3", "m1"]
    (msgs,) = await source.fetch(RecordKind.MESSAGE, [query("g0", filters=Filters(thread_id="m1"))])
    assert [m.body for m in msgs.items] == ["Yes.", "Can I get a refill?"]
    (ren,) = await source.fetch(RecordKind.RENEWAL_REQUEST, [query("g0")])
    assert ren.items[0].status is RenewalStatus.IN_REVIEW
    (asg,) = await source.fetch(RecordKind.QUESTIONNAIRE_ASSIGNMENT, [query("g0", filters=Filters(pending_only=True))])
    assert [a.provenance.source_id for a in asg.items] == ["t2"]
    got = await source.get(RecordKind.MESSAGE, ["m2", "nope"])
    assert [g.provenance.source_id if g else None for g in got] == ["m2", None]
    seen = server.recorder.entries()
    assert seen and all(r.path.startswith("/portal/v1/") or r.path == "/auth/token" for r in seen)
    assert all("authorization" not in {k.lower() for k in r.headers} for r in seen)


async def test_a_thread_of_another_patient_is_neither_read_nor_replied_to(
    server: FhirServer, http: aiohttp.ClientSession
) -> None:
    source = source_of(server, http)
    (other,) = await source.fetch(RecordKind.MESSAGE, [query("g1", filters=Filters(thread_id="m1"))])
    assert other.items == ()
    assert source.portal is not None
    with pytest.raises(WriteRefused) as refused:
        await source.portal.reply(Reply("k-other", "g1", "m1", "not mine", NOW))
    assert refused.value.reason_code == "NOT_FOUND"
    assert len(stored(server, "Communication")) == 3


async def test_a_new_thread_and_a_reply_are_written_once_per_key(
    server: FhirServer, http: aiohttp.ClientSession
) -> None:
    portal = portal_for(server, http)
    new = NewThread("k-new", "g0", "Pat Family0", "ct1", "Team Blue", "Travel", "Can I travel?", NOW)
    first = await portal.start_thread(new)
    again = await portal.start_thread(new)
    assert first.thread.provenance.source_id == again.thread.provenance.source_id
    assert first.thread.subject == "Travel" and first.message.from_patient
    thread_id = first.thread.provenance.source_id
    reply = Reply("k-reply", "g0", thread_id, "Also: flights?", NOW + dt.timedelta(minutes=1))
    sent = await portal.reply(reply)
    assert (await portal.reply(reply)).message.provenance.source_id == sent.message.provenance.source_id
    assert sent.thread.message_count == 2
    assert len(stored(server, "Communication")) == 5
    keys = {i["value"] for c in stored(server, "Communication") for i in c.get("identifier") or ()
            if i["system"] == KEY_SYSTEM}  # fmt: skip
    assert {"k-new", "k-reply"} <= keys


async def test_a_renewal_request_is_found_by_its_key(server: FhirServer, http: aiohttp.ClientSession) -> None:
    portal = portal_for(server, http)
    assert await portal.renewal_written_by("k-rx") is None
    ask = RenewalAsk("k-rx", "g0", "rx1", "dr-1", "running out", NOW)
    record = await portal.request_renewal(ask)
    assert record.status is RenewalStatus.REQUESTED and record.prescription_id == "rx1"
    assert (await portal.request_renewal(ask)).provenance.source_id == record.provenance.source_id
    assert await portal.renewal_written_by("k-rx") == record.provenance.source_id


async def test_what_the_portal_writes_its_patient_reads_at_once(
    server: FhirServer, http: aiohttp.ClientSession
) -> None:
    """The sandbox's per-patient index of messages and renewals follows its writes."""
    source, portal = source_of(server, http), portal_for(server, http)

    async def ids(kind: RecordKind) -> set[str]:
        (page,) = await source.fetch(kind, [query("g0")])
        return {item.provenance.source_id for item in page.items}

    threads, renewals = await ids(RecordKind.MESSAGE_THREAD), await ids(RecordKind.RENEWAL_REQUEST)
    new = NewThread("k-seen", "g0", "Pat Family0", "ct1", "Team Blue", "Travel", "Can I travel?", NOW)
    thread = (await portal.start_thread(new)).thread.provenance.source_id
    renewal = (await portal.request_renewal(RenewalAsk("k-seen-rx", "g0", "rx1", "dr-1", "soon", NOW))).provenance
    assert await ids(RecordKind.MESSAGE_THREAD) == {*threads, thread}
    assert await ids(RecordKind.RENEWAL_REQUEST) == {*renewals, renewal.source_id}


async def test_answers_complete_the_assignment_once(server: FhirServer, http: aiohttp.ClientSession) -> None:
    portal = portal_for(server, http)
    submission = Submission("k-q", "g0", "t2", "q1", ITEMS, {"1": True}, NOW)
    done = await portal.submit_answers(submission)
    assert done.completed_at == NOW
    assert (await portal.submit_answers(submission)).completed_at == NOW  # the same key: answered again
    with pytest.raises(WriteRefused) as refused:
        await portal.submit_answers(Submission("k-q2", "g0", "t2", "q1", ITEMS, {"1": False}, NOW))
    assert refused.value.reason_code == "ALREADY_COMPLETED"
    with pytest.raises(WriteRefused) as other:
        await portal.submit_answers(Submission("k-q3", "g1", "t2", "q1", ITEMS, {"1": False}, NOW))
    assert other.value.reason_code == "NOT_FOUND"
    assert len(stored(server, "QuestionnaireResponse")) == 1


async def test_discovery_turns_off_what_the_portal_does_not_offer(http: aiohttp.ClientSession) -> None:
    parts = with_portal(dataset(), offers={"messages.read", "renewals.read"})
    async with running(dataset(), parts=parts, profile=MillenniumProfile()) as server:
        source = source_of(server, http)
        assert source.declared().features[Feature.SEND_MESSAGE] is None  # before asking: as configured
        offer = await source.discover()
        assert offer.features[Feature.READ_MESSAGES] is None
        assert offer.features[Feature.SEND_MESSAGE] is not None
        assert offer.features[Feature.ANSWER_QUESTIONNAIRE] is not None
        assert not offer.serves(RecordKind.QUESTIONNAIRE_ASSIGNMENT) and offer.serves(RecordKind.MESSAGE_THREAD)
        # Millennium's CapabilityStatement: Appointment create and patch, Slot patch
        assert offer.features[Feature.BOOK_APPOINTMENT] is None
        assert offer.features[Feature.CANCEL_APPOINTMENT] is None


async def test_without_a_portal_its_features_are_off_and_nothing_is_asked(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        offer = await source.discover()
        assert offer.features[Feature.READ_MESSAGES] == NO_PORTAL
        assert offer.features[Feature.REQUEST_RENEWAL] == NO_PORTAL
        assert not offer.serves(RecordKind.MESSAGE_THREAD) and offer.serves(RecordKind.LAB_RESULT)
        server.recorder.clear()
        (page,) = await source.fetch(RecordKind.MESSAGE_THREAD, [query("g0")])
        assert isinstance(page, SourceUnavailable)
        assert server.recorder.entries() == []


async def test_the_portal_down_fails_its_reads_only(server: FhirServer, http: aiohttp.ClientSession) -> None:
    fhir = config_for(server, retries=0)
    source = GenesisSource(fhir, http, Recorder(), portal_for(server, http, retries=0))
    async with http.put(f"{server.admin_url}/portal/faults", json={"down": True}) as resp:
        assert resp.status == 200
    (threads,) = await source.fetch(RecordKind.MESSAGE_THREAD, [query("g0")])
    assert isinstance(threads, SourceError)
    if not isinstance(server.profile, MillenniumProfile):  # (the FHIR adapter learns Millennium elsewhere)
        (labs,) = await source.fetch(RecordKind.LAB_RESULT, [query("g0")])
        assert isinstance(labs, Page) and labs.items
    offer = await source.discover()  # the portal cannot be asked: it keeps what it said
    assert offer.features[Feature.READ_MESSAGES] is None


async def test_the_server_faults_cover_the_portal_too(http: aiohttp.ClientSession) -> None:
    async with running(dataset(), parts=with_portal(dataset())) as server:
        source = source_of(server, http)
        await set_faults(http, server, latency_ms=300)
        began = dt.datetime.now(dt.UTC)
        (threads,) = await source.fetch(RecordKind.MESSAGE_THREAD, [query("g0")])
        assert isinstance(threads, Page) and (dt.datetime.now(dt.UTC) - began).total_seconds() >= 0.3


async def test_a_read_only_fhir_api_turns_appointment_changes_off(http: aiohttp.ClientSession) -> None:
    async with running(dataset(), writable=False) as server:
        offer = await GenesisSource(config_for(server), http, Recorder()).discover()
        for feature in (Feature.BOOK_APPOINTMENT, Feature.CANCEL_APPOINTMENT, Feature.RESCHEDULE_APPOINTMENT):
            assert offer.features[feature] is not None
        assert offer.serves(RecordKind.LAB_RESULT) and offer.serves(RecordKind.SLOT)


def test_a_type_the_capability_statement_does_not_search_is_a_missing_kind() -> None:
    statement = {"rest": [{"mode": "server", "resource": [
        {"type": "Observation", "interaction": [{"code": "read"}, {"code": "search-type"}]},
        {"type": "DocumentReference", "interaction": [{"code": "read"}]},
    ]}]}  # fmt: skip
    offer = fhir_offer(statement, GENESIS_KINDS)
    assert offer.serves(RecordKind.LAB_RESULT)
    assert not offer.serves(RecordKind.CLINICAL_NOTE) and not offer.serves(RecordKind.APPOINTMENT)
    assert "DocumentReference" in offer.missing_kinds[RecordKind.CLINICAL_NOTE]


async def test_a_write_the_portal_no_longer_offers_is_not_supported(
    server: FhirServer, http: aiohttp.ClientSession
) -> None:
    service_of(server).offers = frozenset({"messages.read", "renewals.read"})
    with pytest.raises(NotSupported):
        await portal_for(server, http).request_renewal(RenewalAsk("k-gone", "g0", "rx1", None, None, NOW))
    assert [t for t in stored(server, "Task") if t["id"].startswith("rnw-")] == []
