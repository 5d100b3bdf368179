"""Every promise contract/demo.md makes about the personas holds in the generated data."""

from __future__ import annotations

import base64
import datetime as dt
from collections import defaultdict
from typing import Any

import pytest

from sandbox.data import DEFAULT_SEED, DemoData, generate
from sandbox.data.codes import ICD10, ICD10_CODES

TODAY = dt.date(2026, 11, 27)
DOD = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"
ACCESSION = "urn:mhs:lab-accession"


class View:
    """Look-ups over one sandbox's resources, the way an adapter would search them."""

    def __init__(self, resources: list[dict[str, Any]]) -> None:
        self.by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.by_ref: dict[str, dict[str, Any]] = {}
        for r in resources:
            self.by_type[r["resourceType"]].append(r)
            self.by_ref[f"{r['resourceType']}/{r['id']}"] = r

    def of(self, rtype: str, patient_id: str) -> list[dict[str, Any]]:
        """Resources of `rtype` about the patient, entered-in-error left out as adapters do."""
        target = f"Patient/{patient_id}"
        out = []
        for r in self.by_type[rtype]:
            refs = [r.get("subject", {}), r.get("for", {})]
            refs += [p["actor"] for p in r.get("participant", []) if "actor" in p]
            if any(x.get("reference") == target for x in refs) and not _in_error(r):
                out.append(r)
        return out

    def roots(self, patient_id: str) -> list[dict[str, Any]]:
        return [c for c in self.of("Communication", patient_id) if "partOf" not in c]

    def patients_named(self, family: str) -> list[dict[str, Any]]:
        return [p for p in self.by_type["Patient"] if p["name"][0]["family"] == family]

    def dispenses(self, rx_id: str) -> int:
        target = f"MedicationRequest/{rx_id}"
        return sum(
            1
            for d in self.by_type["MedicationDispense"]
            if any(a["reference"] == target for a in d["authorizingPrescription"])
        )


def _in_error(r: dict[str, Any]) -> bool:
    if r.get("status") == "entered-in-error":
        return True
    codes = r.get("verificationStatus", {}).get("coding", [])
    return any(c["code"] == "entered-in-error" for c in codes)


def dod_of(patient: dict[str, Any]) -> str | None:
    return next((i["value"] for i in patient.get("identifier", []) if i["system"] == DOD), None)


def accessions(observations: list[dict[str, Any]]) -> set[str]:
    return {i["value"] for o in observations for i in o["identifier"] if i["system"] == ACCESSION}


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def service(r: dict[str, Any]) -> str:
    return str(r["serviceCategory"][0]["coding"][0]["code"])


@pytest.fixture(scope="module", params=[DEFAULT_SEED, 7], ids=["default-seed", "seed-7"])
def data(request: pytest.FixtureRequest) -> DemoData:
    return generate(seed=request.param, extra_patients=20, today=TODAY)


@pytest.fixture(scope="module")
def genesis(data: DemoData) -> View:
    return View(data.genesis)


@pytest.fixture(scope="module")
def community(data: DemoData) -> View:
    return View(data.community)


def _pid(data: DemoData, key: str) -> str:
    pid = data.personas[key].genesis_patient_id
    assert pid is not None
    return pid


def test_persona_dod_ids_are_on_their_genesis_patients(data: DemoData, genesis: View) -> None:
    for n, key in enumerate(("P1", "P2", "P3", "P4"), start=1):
        persona = data.personas[key]
        assert persona.dod_id == f"100000000{n}"
        assert persona.subject == persona.dod_id
        patient = genesis.by_ref[f"Patient/{persona.genesis_patient_id}"]
        assert dod_of(patient) == persona.dod_id
        assert {t["system"] for t in patient["telecom"]} >= {"phone"}
        assert patient["birthDate"] and patient["gender"] and patient["address"]


def test_p1_genesis_has_two_repliable_threads(data: DemoData, genesis: View) -> None:
    pid = _pid(data, "P1")
    roots = genesis.roots(pid)
    assert len(roots) >= 2
    for root in roots:
        assert root["topic"]["text"]
        replies = [
            c
            for c in genesis.of("Communication", pid)
            if c.get("partOf", [{}])[0].get("reference") == f"Communication/{root['id']}"
        ]
        assert replies, "each thread has at least one reply"
        assert all(r["inResponseTo"][0]["reference"] in genesis.by_ref for r in replies)


def test_p1_has_booked_primary_care_and_dental_ahead_on_busy_slots(data: DemoData, genesis: View) -> None:
    pid = _pid(data, "P1")
    ahead = [a for a in genesis.of("Appointment", pid) if a["status"] == "booked" and when(a["start"]).date() > TODAY]
    assert {service(a) for a in ahead} >= {"17", "10"}
    for appt in ahead:
        slot = genesis.by_ref[appt["slot"][0]["reference"]]
        assert slot["status"] == "busy"
        assert when(slot["start"]) == when(appt["start"])


def test_p1_dental_visit_has_pending_dental_history(data: DemoData, genesis: View) -> None:
    pid = _pid(data, "P1")
    dental = next(
        a
        for a in genesis.of("Appointment", pid)
        if a["status"] == "booked" and service(a) == "10" and when(a["start"]).date() > TODAY
    )
    tasks = [
        t
        for t in genesis.of("Task", pid)
        if t["code"]["coding"][0]["code"] == "questionnaire"
        and t["basedOn"][0]["reference"] == f"Appointment/{dental['id']}"
    ]
    assert len(tasks) == 1
    task = tasks[0]
    assert task["status"] == "requested"
    questionnaire = genesis.by_ref[task["focus"]["reference"]]
    assert questionnaire["title"] == "Dental Health History"
    due = when(task["restriction"]["period"]["end"])
    assert TODAY < due.date() <= when(dental["start"]).date()


def test_dental_history_has_every_item_type(genesis: View) -> None:
    questionnaire = genesis.by_type["Questionnaire"][0]
    seen: set[str] = set()

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            seen.add(item["type"])
            if item["type"] == "choice":
                assert len(item["answerOption"]) >= 2
            if item["type"] == "group":
                assert any(child.get("required") for child in item["item"])
            walk(item.get("item", []))

    walk(questionnaire["item"])
    assert seen >= {
        "boolean", "string", "text", "integer", "decimal", "date", "choice", "display", "group"
    }  # fmt: skip


def test_p1_notes_inline_and_binary(data: DemoData, genesis: View) -> None:
    notes = genesis.of("DocumentReference", _pid(data, "P1"))
    assert len(notes) >= 3
    inline = [n for n in notes if "data" in n["content"][0]["attachment"]]
    linked = [n for n in notes if "url" in n["content"][0]["attachment"]]
    assert inline and linked
    binary = genesis.by_ref[linked[0]["content"][0]["attachment"]["url"]]
    assert base64.b64decode(binary["data"]).decode().strip()


def test_p1_labs_include_a_high_one(data: DemoData, genesis: View) -> None:
    labs = genesis.of("Observation", _pid(data, "P1"))
    assert len(labs) >= 5
    flags = {o["interpretation"][0]["coding"][0]["code"] for o in labs}
    assert "H" in flags
    hidden = [o for o in genesis.by_type["Observation"] if o["status"] == "entered-in-error"]
    assert hidden, "an entered-in-error lab exists, for adapters to leave out"


def test_p1_prescriptions_cover_the_renewal_cases(data: DemoData, genesis: View) -> None:
    reasons = set()
    for rx in genesis.of("MedicationRequest", _pid(data, "P1")):
        if rx["status"] not in ("active", "completed"):
            reasons.add("INACTIVE")
            continue
        allowed = rx["dispenseRequest"]["numberOfRepeatsAllowed"]
        remaining = allowed - max(0, genesis.dispenses(rx["id"]) - 1)
        expires = dt.date.fromisoformat(rx["dispenseRequest"]["validityPeriod"]["end"])
        if expires < TODAY:
            reasons.add("EXPIRED")
        elif remaining <= 0:
            reasons.add("NO_REFILLS_LEFT")
        else:
            reasons.add("HAS_REFILLS")
    assert reasons == {"EXPIRED", "NO_REFILLS_LEFT", "HAS_REFILLS", "INACTIVE"}


def test_p1_conditions_have_icd10_codes_with_topics(data: DemoData, genesis: View) -> None:
    conditions = genesis.of("Condition", _pid(data, "P1"))
    icd = [c["code"] for cond in conditions for c in cond["code"]["coding"] if c["system"] == ICD10]
    assert len(icd) >= 2
    assert set(icd) <= set(ICD10_CODES)


def test_p1_community_linked_by_dod_id_with_one_shared_lab(data: DemoData, genesis: View, community: View) -> None:
    persona = data.personas["P1"]
    (cpid,) = persona.community_patient_ids
    assert dod_of(community.by_ref[f"Patient/{cpid}"]) == persona.dod_id
    labs = community.of("Observation", cpid)
    assert len(labs) >= 3  # two of its own and the shared one
    assert len(community.of("DocumentReference", cpid)) == 1
    assert len(community.of("MedicationRequest", cpid)) == 1
    shared = accessions(labs) & accessions(genesis.of("Observation", _pid(data, "P1")))
    assert len(shared) == 1
    # nowhere else do the two sandboxes hold the same accession
    assert accessions(community.by_type["Observation"]) & accessions(genesis.by_type["Observation"]) == shared


def test_p1_tol_archive_before_go_live(data: DemoData) -> None:
    tol = data.tol
    account = next(a for a in tol.accounts if a.dod_id == "1000000001")
    assert account.account_id == data.personas["P1"].tol_account_id
    site = next(f for f in tol.facilities if f.facility_id == account.home_facility)
    assert site.genesis_go_live is not None and site.genesis_go_live < TODAY
    go_live = site.genesis_go_live
    threads = [t for t in tol.message_threads if t.account_id == account.account_id]
    assert len([t for t in threads if t.folder == "ARCHIVE"]) >= 3
    thread_ids = {t.thread_id for t in threads}
    messages = [m for m in tol.messages if m.thread_id in thread_ids]
    appts = [a for a in tol.appointments if a.account_id == account.account_id]
    assert any(a.status == "KEPT" for a in appts)
    rxs = [r for r in tol.prescriptions if r.account_id == account.account_id]
    assert any(r.status != "ACTIVE" for r in rxs)
    labs = [r for r in tol.lab_results if r.account_id == account.account_id]
    assert len([r for r in labs if not r.entered_in_error]) >= 2
    moments = [t.last_message_at for t in threads] + [m.sent_at for m in messages]
    moments += [a.starts_at for a in appts] + [r.collected_at for r in labs]
    assert all(m.date() < go_live for m in moments)
    assert all(r.written_on < go_live for r in rxs)


def test_p2_community_records_carry_no_dod_id(data: DemoData, genesis: View, community: View) -> None:
    persona = data.personas["P2"]
    gp = genesis.by_ref[f"Patient/{persona.genesis_patient_id}"]
    assert persona.community_patient_ids
    for cpid in persona.community_patient_ids:
        cp = community.by_ref[f"Patient/{cpid}"]
        assert dod_of(cp) is None
        assert cp["name"][0]["family"] == gp["name"][0]["family"]
        assert cp["name"][0]["given"] == gp["name"][0]["given"]
        assert (cp["birthDate"], cp["gender"]) == (gp["birthDate"], gp["gender"])
    assert any(community.of("Observation", c) for c in persona.community_patient_ids)
    assert all(dod_of(p) != persona.dod_id for p in community.by_type["Patient"])


def test_p2_has_a_same_name_decoy(data: DemoData, genesis: View, community: View) -> None:
    gp = genesis.by_ref[f"Patient/{_pid(data, 'P2')}"]
    same_name = community.patients_named(gp["name"][0]["family"])
    decoys = [p for p in same_name if p["birthDate"] != gp["birthDate"]]
    assert len(decoys) == 1
    assert decoys[0]["name"][0]["given"] == gp["name"][0]["given"]
    assert decoys[0]["id"] not in data.personas["P2"].community_patient_ids
    assert community.of("Observation", decoys[0]["id"]), "the decoy has records a bad link shows"


def test_no_tol_account_for_p2_and_p4(data: DemoData) -> None:
    dod_ids = {a.dod_id for a in data.tol.accounts}
    assert "1000000002" not in dod_ids
    assert "1000000004" not in dod_ids
    assert data.personas["P2"].tol_account_id is None


def test_p4_only_in_genesis(data: DemoData, community: View) -> None:
    gp_family = "Okafor"
    assert data.personas["P4"].community_patient_ids == ()
    assert all(dod_of(p) != "1000000004" for p in community.by_type["Patient"])
    assert not [p for p in community.patients_named(gp_family) if p["birthDate"] == "2001-11-05"]


def test_p3_long_history(data: DemoData, genesis: View, community: View) -> None:
    persona = data.personas["P3"]
    pid = _pid(data, "P3")
    labs = len(genesis.of("Observation", pid)) + sum(
        len(community.of("Observation", c)) for c in persona.community_patient_ids
    )
    assert labs >= 250
    tol_threads = [t for t in data.tol.message_threads if t.account_id == persona.tol_account_id]
    thread_ids = {t.thread_id for t in tol_threads}
    threads = len(genesis.roots(pid)) + len(tol_threads)
    messages = len(genesis.of("Communication", pid)) + sum(1 for m in data.tol.messages if m.thread_id in thread_ids)
    assert threads >= 12
    assert messages >= 60
    tol_appts = [a for a in data.tol.appointments if a.account_id == persona.tol_account_id]
    assert len(genesis.of("Appointment", pid)) + len(tol_appts) >= 40


def team_facility(genesis: View, pid: str) -> str:
    (team,) = genesis.of("CareTeam", pid)
    return str(next(i["value"] for i in team["identifier"] if i["system"] == "urn:mhs:facility"))


def test_c1_is_on_p1_and_p2_team_but_not_p3(data: DemoData, genesis: View) -> None:
    c1 = data.personas["C1"]
    assert c1.facility == data.genesis_facility
    assert f"Practitioner/{c1.practitioner_id}" in genesis.by_ref
    assert f"Location/{c1.facility}" in genesis.by_ref
    for key in ("P1", "P2"):
        pid = _pid(data, key)
        assert team_facility(genesis, pid) == c1.facility
        (team,) = genesis.of("CareTeam", pid)
        members = {p["member"]["reference"] for p in team["participant"]}
        assert f"Practitioner/{c1.practitioner_id}" in members
    assert team_facility(genesis, _pid(data, "P3")) != c1.facility


def test_c2_facility_has_no_patients(data: DemoData, genesis: View) -> None:
    c2 = data.personas["C2"]
    assert c2.facility != data.personas["C1"].facility
    assert f"Location/{c2.facility}" in genesis.by_ref
    teams = genesis.by_type["CareTeam"]
    assert teams
    assert all(t["identifier"][0]["value"] != c2.facility for t in teams)
    assert data.personas["A1"].role == "analyst"
