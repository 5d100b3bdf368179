"""GenesisSource against the GENESIS sandbox's Millennium profile holding a small hand-made dataset:
every search it sends must be one Millennium takes (the profile refuses the others)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import aiohttp

from sandbox.millennium import MillenniumProfile
from sources.base import Filters, Page, PageRequest, Position, Query
from sources.duplicates import LabIdentity, parse_lab_identity
from sources.errors import SourceUnavailable
from sources.genesis import GENESIS, GenesisSource
from sources.genesis.scopes import READ_SCOPES
from sources.records import (
    AppointmentStatus,
    CareService,
    Link,
    LinkedRef,
    MessageFolder,
    PatientKey,
    RecordKind,
    RenewalStatus,
)

from ..fhir.support import Recorder, lab, patient, ref, reset_stats, set_faults, stats
from ..fhir.support import config_for as generic_config
from ..fhir.support import running as generic_running
from .portal_support import portal_for, with_portal

SC = "http://terminology.hl7.org/CodeSystem/service-category"
TASK = "urn:mhs:task-code"
GENERAL_PRACTICE = [{"coding": [{"system": "http://snomed.info/sct", "code": "394814009"}]}]


def running(resources: list[dict[str, Any]], **kw: Any) -> Any:
    """The sandbox with Millennium's rules on."""
    return generic_running(resources, profile=MillenniumProfile(), **kw)


def config_for(server: Any, **kw: Any) -> Any:
    """The adapter's own named read scopes (Millennium grants no wildcard)."""
    return generic_config(server, scope=READ_SCOPES, **kw)


def dataset() -> list[dict[str, Any]]:
    people = [patient(f"g{n}", f"Family{n}", "Pat", "1980-01-0" + str(n % 9 + 1), "female", f"10000000{n:02d}")
              for n in range(10)]  # fmt: skip
    labs = [lab(f"l{n}", f"g{n}", "2024-03-01T10:00:00-05:00") for n in range(10)]
    g0_labs = [
        lab("a1", "g0", "2024-01-05T09:00:00-05:00"),
        lab("a2", "g0", "2024-02-01T12:00:00Z"),
        lab("a3", "g0", "2024-02-01T12:00:00Z"),  # same instant as a2
        lab("a4", "g0", "2024-02-01T12:00:00Z"),
        lab("a5", "g0", "2023-12-31T23:00:00+02:00"),
        lab("bad", "g0", "2024-02-15T00:00:00Z", status="entered-in-error"),
    ]
    return [
        *people, *labs, *g0_labs,
        {"resourceType": "Practitioner", "id": "dr-1", "name": [{"family": "Hale", "given": ["Iris"]}]},
        {"resourceType": "Location", "id": "loc-bragg", "name": "Womack Army Medical Center"},
        {"resourceType": "Appointment", "id": "ap1", "status": "booked", "start": "2024-05-01T08:30:00-04:00",
         "end": "2024-05-01T09:00:00-04:00", "serviceCategory": [{"coding": [{"system": SC, "code": "10"}]}],
         "participant": [{"actor": ref("Patient", "g0")}, {"actor": ref("Practitioner", "dr-1")},
                         {"actor": ref("Location", "loc-bragg", "Womack")}],
         "slot": [ref("Slot", "s9")]},
        {"resourceType": "Appointment", "id": "ap2", "status": "checked-in", "start": "2024-04-01T08:00:00Z",
         "participant": [{"actor": ref("Patient", "g0")}]},
        {"resourceType": "Appointment", "id": "ap3", "status": "entered-in-error", "start": "2024-04-02T08:00:00Z",
         "participant": [{"actor": ref("Patient", "g0")}]},
        {"resourceType": "DocumentReference", "id": "n1", "status": "current", "date": "2024-02-02T10:00:00+09:00",
         "description": "Visit note", "subject": ref("Patient", "g0"), "author": [ref("Practitioner", "dr-1")],
         "masterIdentifier": {"value": "note-77"},
         "content": [{"attachment": {"contentType": "text/plain",
                                     "data": base64.b64encode(b"inline text").decode()}}]},
        {"resourceType": "DocumentReference", "id": "n2", "status": "current", "date": "2024-02-03T10:00:00Z",
         "description": "Lab note", "subject": ref("Patient", "g0"),
         "content": [{"attachment": {"contentType": "text/plain", "url": "Binary/bin-1"}}]},
        {"resourceType": "Binary", "id": "bin-1", "contentType": "text/plain",
         "data": base64.b64encode(b"binary text").decode()},
        {"resourceType": "MedicationRequest", "id": "rx1", "status": "active", "authoredOn": "2024-01-10",
         "subject": ref("Patient", "g0"), "requester": ref("Practitioner", "dr-1"),
         "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                                   "code": "197361", "display": "Amlodipine 5 MG"}]},
         "dosageInstruction": [{"text": "once daily"}],
         "dispenseRequest": {"numberOfRepeatsAllowed": 3, "validityPeriod": {"end": "2025-01-10"}}},
        *[{"resourceType": "MedicationDispense", "id": f"md{n}", "status": "completed",
           "subject": ref("Patient", "g0"), "authorizingPrescription": [ref("MedicationRequest", "rx1")]}
          for n in (1, 2)],
        {"resourceType": "Condition", "id": "c1", "subject": ref("Patient", "g0"), "onsetDateTime": "2020-06-01",
         "clinicalStatus": {"coding": [{"code": "active"}]},
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003", "display": "Hypertension"},
                             {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "I10"}]}},
        {"resourceType": "Condition", "id": "c2", "subject": ref("Patient", "g0"),
         "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                            "code": "entered-in-error"}]},
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E11.9"}]}},
        {"resourceType": "Communication", "id": "m1", "status": "completed", "sent": "2024-03-01T09:00:00Z",
         "subject": ref("Patient", "g0"), "sender": ref("Patient", "g0"), "topic": {"text": "Refill question"},
         "payload": [{"contentString": "Can I get a refill?"}]},
        {"resourceType": "Communication", "id": "m2", "status": "completed", "sent": "2024-03-02T09:00:00Z",
         "subject": ref("Patient", "g0"), "sender": ref("Practitioner", "dr-1", "Iris Hale"),
         "partOf": [ref("Communication", "m1")], "payload": [{"contentString": "Yes."}]},
        {"resourceType": "Communication", "id": "m3", "status": "completed", "sent": "2024-03-05T09:00:00Z",
         "subject": ref("Patient", "g0"), "sender": ref("Patient", "g0"), "topic": {"text": "Thanks"},
         "payload": [{"contentString": "Thank you"}]},
        {"resourceType": "Task", "id": "t1", "status": "in-progress", "intent": "order",
         "authoredOn": "2024-03-03T10:00:00Z",
         "code": {"coding": [{"system": TASK, "code": "renewal"}]}, "focus": ref("MedicationRequest", "rx1"),
         "for": ref("Patient", "g0"), "note": [{"text": "running low"}]},
        {"resourceType": "Task", "id": "t2", "status": "requested", "intent": "order",
         "code": {"coding": [{"system": TASK, "code": "questionnaire"}]}, "focus": ref("Questionnaire", "q1"),
         "for": ref("Patient", "g0"), "basedOn": [ref("Appointment", "ap1")],
         "restriction": {"period": {"end": "2024-04-30T00:00:00Z"}}},
        {"resourceType": "Questionnaire", "id": "q1", "status": "active", "title": "Dental intake",
         "item": [{"linkId": "1", "text": "Pain?", "type": "boolean", "required": True},
                  {"linkId": "2", "text": "Where?", "type": "choice",
                   "answerOption": [{"valueString": "upper"}, {"valueString": "lower"}]}]},
        {"resourceType": "CareTeam", "id": "ct1", "status": "active", "name": "Team Blue",
         "identifier": [{"system": "urn:mhs:facility", "value": "loc-bragg"}], "subject": ref("Patient", "g0"),
         "participant": [{"member": ref("Practitioner", "dr-1"), "role": [{"text": "PCM"}]}]},
        {"resourceType": "Schedule", "id": "sch1", "actor": [ref("Practitioner", "dr-1", "Iris Hale"),
                                                             ref("Location", "loc-bragg", "Womack")]},
        *[{"resourceType": "Slot", "id": f"s{n}", "status": "free" if n != 3 else "busy",
           "schedule": ref("Schedule", "sch1"),
           "serviceCategory": [{"coding": [{"system": SC, "code": "17"}]}], "serviceType": GENERAL_PRACTICE,
           "start": f"2024-06-0{n}T09:00:00-04:00", "end": f"2024-06-0{n}T09:30:00-04:00", "meta": {"versionId": "1"}}
          for n in (1, 2, 3, 4)],
    ]  # fmt: skip


def link(pid: str, dod: str = "x") -> Link:
    return Link(GENESIS, dod, (LinkedRef(pid),))


def query(pid: str, first: int = 10, **kw: Any) -> Query:
    return Query(link(pid), PageRequest(first=first, **kw))


async def test_links_ten_patients_one_identifier_per_search_at_once(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        await source.check()
        await reset_stats(http, server)
        keys = [PatientKey(f"10000000{n:02d}") for n in range(10)] + [PatientKey("9999999999")]
        links = await source.link(keys)
        assert (await stats(http, server))["requests"] == 11  # Millennium takes one identifier a search
        assert [lnk.refs[0].patient_id for lnk in links[:10]] == [f"g{n}" for n in range(10)]
        assert links[3].demographics.name.family == "Family3"
        assert links[3].demographics.birth_date == dt.date(1980, 1, 4)
        assert not links[10].linked


async def test_labs_for_ten_patients_one_search_each(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        await source.check()
        await reset_stats(http, server)
        pages = await source.fetch(RecordKind.LAB_RESULT, [query(f"g{n}") for n in range(1, 10)] + [query("g0", 1)])
        by_path = (await stats(http, server))["by_path"]
        observation_searches = sum(n for path, n in by_path.items() if path.endswith("/Observation"))
        # Observation takes one patient a search (no batch); g0's page of one reads on once, past
        # the entered-in-error hit the server counts but the gateway drops.
        assert observation_searches == 10 + 1
        assert all(isinstance(p, Page) for p in pages)
        assert [p.items[0].patient_id for p in pages] == [f"g{n}" for n in range(1, 10)] + ["g0"]


async def test_lab_paging_has_no_gap_or_repeat_and_keeps_offsets(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        seen, after = [], None
        while True:
            (page,) = await source.fetch(RecordKind.LAB_RESULT, [Query(link("g0"), PageRequest(2, after))])
            seen += [r.provenance.source_id for r in page.items]
            if not page.has_more:
                break
            last = page.items[-1]
            after = Position(last.sort_time, last.provenance.source_id)
        assert seen == ["l0", "a4", "a3", "a2", "a1", "a5"]  # newest first, ties by id desc; no "bad"
        (page,) = await source.fetch(RecordKind.LAB_RESULT, [query("g0", 10, want_total=True)])
        first = next(r for r in page.items if r.provenance.source_id == "a1")
        assert first.effective_at.utcoffset() == dt.timedelta(hours=-5)
        assert first.business_id and lab_key(first.business_id).accession == "acc-a1"
        assert first.value_quantity.value == 5.0
        assert page.total is None  # Millennium gives no total; the cursor pages the list


async def test_date_filter(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        f = Filters(date_from=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), date_to=dt.datetime(2024, 2, 28, tzinfo=dt.UTC))
        (page,) = await source.fetch(RecordKind.LAB_RESULT, [query("g0", filters=f)])
        assert [r.provenance.source_id for r in page.items] == ["a4", "a3", "a2", "a1"]


async def test_appointments_map_and_filter(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        (page,) = await source.fetch(RecordKind.APPOINTMENT, [query("g0")])
        assert [(a.provenance.source_id, a.status) for a in page.items] == [
            ("ap1", AppointmentStatus.BOOKED), ("ap2", AppointmentStatus.ARRIVED)]  # fmt: skip
        ap1 = page.items[0]
        assert ap1.service is CareService.DENTAL and ap1.slot_id == "s9"
        assert ap1.facility.name == "Womack Army Medical Center" and ap1.practitioner.name.family == "Hale"
        assert ap1.start.utcoffset() == dt.timedelta(hours=-4)
        (page,) = await source.fetch(RecordKind.APPOINTMENT,
                                     [query("g0", filters=Filters(statuses=(AppointmentStatus.ARRIVED,)))])  # fmt: skip
        assert [a.provenance.source_id for a in page.items] == ["ap2"]


async def test_notes_inline_and_binary(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        (page,) = await source.fetch(RecordKind.CLINICAL_NOTE, [query("g0")])
        assert [(n.provenance.source_id, n.text) for n in page.items] == [("n2", ""), ("n1", "inline text")]
        assert page.items[1].business_id == "note-77" and page.items[1].title == "Visit note"
        content = page.items[0].content  # the Binary is read only when its text is asked for
        assert content is not None and content.url == f"{server.base_url}/Binary/bin-1"
        assert await source.note_texts([content, content]) == ["binary text", "binary text"]


async def test_prescription_refills_and_conditions(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        (rx,) = await source.fetch(RecordKind.PRESCRIPTION, [query("g0")])
        # Millennium offers no MedicationDispense: for an active order the fills are unknown.
        assert rx.items[0].refills_allowed == 3 and rx.items[0].refills_remaining is None
        assert rx.items[0].prescriber.name.family == "Hale" and rx.items[0].expires_on == dt.date(2025, 1, 10)
        (cond,) = await source.fetch(RecordKind.CONDITION, [query("g0")])
        assert [c.code.code for c in cond.items] == ["I10"]
        assert {c.code for c in cond.items[0].codes} == {"I10", "38341003"}


async def test_threads_and_messages(http: aiohttp.ClientSession) -> None:
    async with running(dataset(), parts=with_portal(dataset())) as server:
        source = GenesisSource(config_for(server), http, Recorder(), portal_for(server, http))
        (page,) = await source.fetch(RecordKind.MESSAGE_THREAD, [query("g0")])
        assert [(t.provenance.source_id, t.folder, t.message_count) for t in page.items] == [
            ("m3", MessageFolder.SENT, 1), ("m1", MessageFolder.INBOX, 2)]  # fmt: skip
        assert page.items[1].subject == "Refill question"
        (msgs,) = await source.fetch(RecordKind.MESSAGE, [query("g0", filters=Filters(thread_id="m1"))])
        assert [(m.body, m.from_patient) for m in msgs.items] == [("Yes.", False), ("Can I get a refill?", True)]
        (other,) = await source.fetch(RecordKind.MESSAGE, [query("g1", filters=Filters(thread_id="m1"))])
        assert other.items == ()  # another patient's thread is not served


async def test_tasks_and_questionnaires(http: aiohttp.ClientSession) -> None:
    async with running(dataset(), parts=with_portal(dataset())) as server:
        source = GenesisSource(config_for(server), http, Recorder(), portal_for(server, http))
        (ren,) = await source.fetch(RecordKind.RENEWAL_REQUEST, [query("g0")])
        assert ren.items[0].status is RenewalStatus.IN_REVIEW and ren.items[0].note == "running low"
        (asg,) = await source.fetch(
            RecordKind.QUESTIONNAIRE_ASSIGNMENT, [query("g0", filters=Filters(pending_only=True))]
        )
        assert asg.items[0].questionnaire_id == "q1" and asg.items[0].appointment_id == "ap1"
        (q,) = await source.get(RecordKind.QUESTIONNAIRE, ["q1"])
        assert q.title == "Dental intake" and q.items[1].options == ("upper", "lower")


async def test_care_team_and_slots(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        (team,) = await source.fetch(RecordKind.CARE_TEAM, [query("g0")])
        assert team.items[0].facility.id == "loc-bragg"
        assert team.items[0].facility.name == "Womack Army Medical Center"
        assert team.items[0].members[0].role == "PCM"
        window = Filters(service=CareService.PRIMARY_CARE, date_from=dt.datetime(2024, 6, 2, tzinfo=dt.UTC),
                         date_to=dt.datetime(2024, 6, 30, tzinfo=dt.UTC))  # fmt: skip
        (slots,) = await source.fetch(
            RecordKind.SLOT, [Query(Link(GENESIS, "-"), PageRequest(10, filters=window))]
        )
        assert [s.provenance.source_id for s in slots.items] == ["s2", "s4"]  # soonest first; busy s3 left out
        assert slots.items[0].facility.name == "Womack" and slots.items[0].version == "1"


async def test_get_aligns_with_ids(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server), http, Recorder())
        got = await source.get(RecordKind.LAB_RESULT, ["a2", "nope", "bad", "a1"])
        assert [g.provenance.source_id if g else None for g in got] == ["a2", None, None, "a1"]


async def test_source_down_gives_every_query_an_error(http: aiohttp.ClientSession) -> None:
    async with running(dataset()) as server:
        source = GenesisSource(config_for(server, retries=0), http, Recorder())
        await set_faults(http, server, error_status=500)
        pages = await source.fetch(RecordKind.LAB_RESULT, [query("g0"), query("g1")])
        assert all(isinstance(p, SourceUnavailable) for p in pages)


def lab_key(key: str) -> LabIdentity:
    """A lab result's identity key, parsed (the accession inside)."""
    parsed = parse_lab_identity(key)
    assert parsed is not None
    return parsed
