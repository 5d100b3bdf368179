"""node(id:): every Node type comes back as it was listed, under its owner's access rule."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from tests.read.conftest import Ask

# What each type must give back the same through its list and through node(id:).
FIELDS = {
    "Patient": "id dodId name { text }",
    "Appointment": "id start end status service description provenance { source sourceId organization } "
    "facility { id name } practitioner { id name { text } }",
    "ClinicalNote": "id title authoredAt text author { id name { text } } "
    "provenance { source sourceId organization matchConfidence }",
    "LabResult": "id display effectiveAt status valueQuantity { value unit } interpretation "
    "provenance { source sourceId organization matchConfidence }",
    "Prescription": "id display status refillsRemaining expiresOn renewal { eligible reason } "
    "provenance { source sourceId }",
    "Condition": "id display clinicalStatus onsetDate code { system code } provenance { source sourceId }",
    "MessageThread": "id subject folder lastMessageAt canReply provenance { source sourceId }",
    "SecureMessage": "id sentAt sender fromPatient body",
    "QuestionnaireAssignment": "id dueBy completedAt appointment { id }",
    "Questionnaire": "id title items { linkId type }",
    "RenewalRequest": "id status requestedAt note prescription { id }",
    "CareTeam": "id name facility { id name onGenesis } members { id name { text } }",
    "Practitioner": "id name { text }",
    "Facility": "id name onGenesis",
    "Slot": "id start end service facility { id } practitioner { id }",
    "HealthTopic": "id title summary approvedBy reviewedOn",
}
F = FIELDS
RECORD = f"""{{ me {{ {F["Patient"]}
  appointments(first: 50) {{ edges {{ node {{ {F["Appointment"]} }} }} }}
  clinicalNotes(first: 20) {{ edges {{ node {{ {F["ClinicalNote"]} }} }} }}
  labResults(first: 50) {{ edges {{ node {{ {F["LabResult"]} }} }} }}
  prescriptions(first: 20) {{ edges {{ node {{ {F["Prescription"]} pendingRenewal {{ {F["RenewalRequest"]} }} }} }} }}
  conditions {{ {F["Condition"]} healthTopics {{ {F["HealthTopic"]} }} }}
  messageThreads(first: 10) {{ edges {{ node {{ {F["MessageThread"]}
      messages(first: 3) {{ edges {{ node {{ {F["SecureMessage"]} }} }} }} }} }} }}
  questionnaires(pendingOnly: false) {{ {F["QuestionnaireAssignment"]} questionnaire {{ {F["Questionnaire"]} }} }}
  primaryCareTeam {{ {F["CareTeam"]} facility {{ {F["Facility"]} }} members {{ {F["Practitioner"]} }} }}
}} }}"""
NODE = "query($id: ID!) {{ node(id: $id) {{ __typename ... on {t} {{ {f} }} }} }}"


_TYPE_OF = {
    "me": "Patient",
    "appointments": "Appointment",
    "clinicalNotes": "ClinicalNote",
    "labResults": "LabResult",
    "prescriptions": "Prescription",
    "pendingRenewal": "RenewalRequest",
    "conditions": "Condition",
    "healthTopics": "HealthTopic",
    "messageThreads": "MessageThread",
    "messages": "SecureMessage",
    "questionnaires": "QuestionnaireAssignment",
    "questionnaire": "Questionnaire",
    "primaryCareTeam": "CareTeam",
    "facility": "Facility",
    "members": "Practitioner",
    "author": "Practitioner",
    "practitioner": "Practitioner",
}


def _typed(value: Any, typename: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (type, object) in a response, typed by the field it came from (edges keep it)."""
    if isinstance(value, list):
        for v in value:
            yield from _typed(v, typename)
    elif isinstance(value, dict):
        if typename is not None and "id" in value:
            yield typename, value
        for key, v in value.items():
            if key in ("edges", "node"):
                yield from _typed(v, typename)
            elif key in _TYPE_OF:
                yield from _typed(v, _TYPE_OF[key])


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def _source(obj: dict[str, Any]) -> str:
    raw = base64.urlsafe_b64decode(obj["id"] + "=" * (-len(obj["id"]) % 4)).decode()
    return raw.split(":", 2)[1]


@pytest_asyncio.fixture(loop_scope="session")
async def p4_renewal(demo_stack: Any) -> AsyncIterator[None]:
    """A pending renewal request on P4's GENESIS prescription (withdrawn afterwards)."""
    persona = demo_stack.data.personas["P4"]
    store = demo_stack.genesis.store
    rx = next(
        r
        for r in store.all("MedicationRequest")
        if r.get("subject", {}).get("reference") == f"Patient/{persona.genesis_patient_id}"
    )
    task = {
        "resourceType": "Task",
        "id": "task-test-node-renewal",
        "status": "requested",
        "intent": "order",
        "code": {"coding": [{"system": "urn:mhs:task-code", "code": "renewal"}]},
        "for": {"reference": f"Patient/{persona.genesis_patient_id}"},
        "focus": {"reference": f"MedicationRequest/{rx['id']}"},
        "authoredOn": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "note": [{"text": "Out of refills"}],
    }
    demo_stack.portal.store.put(task)  # renewal requests are the patient portal's
    yield
    demo_stack.portal.store.put({**task, "status": "cancelled"})


async def _listed(ask: Ask, persona: str) -> list[tuple[str, dict[str, Any]]]:
    status, body = await ask(persona, RECORD)
    assert status == 200 and "errors" not in body, body
    return list(_typed(body["data"]["me"], "Patient"))


async def _node(ask: Ask, persona: str, typename: str, node_id: str, headers: Any = None) -> dict[str, Any]:
    _, body = await ask(persona, NODE.format(t=typename, f=FIELDS[typename]), {"id": node_id}, headers)
    result: dict[str, Any] = body
    return result


def _one_per_type_and_source(found: list[tuple[str, dict[str, Any]]]) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for typename, obj in found:
        out.setdefault((typename, _source(obj)), obj)
    return out


async def test_every_listed_object_comes_back_the_same_through_node(ask: Ask, p4_renewal: None) -> None:
    picked: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for persona in ("P1", "P4"):
        for key, obj in _one_per_type_and_source(await _listed(ask, persona)).items():
            picked.setdefault(key, (persona, obj))
    _, slots = await ask("P1", SLOTS, _window())
    for obj in slots["data"]["availableSlots"][:1]:
        picked[("Slot", _source(obj))] = ("P1", obj)
    types = {t for t, _ in picked}
    assert types == set(FIELDS), set(FIELDS) - types
    sources = {s for _, s in picked}
    assert sources == {"GENESIS", "COMMUNITY", "TOL_ARCHIVE", "LIBRARY", "DOD"}  # DOD: the patient across sources
    for (typename, _), (persona, listed) in sorted(picked.items()):
        body = await _node(ask, persona, typename, listed["id"])
        assert "errors" not in body, (typename, body)
        node = body["data"]["node"]
        assert node.pop("__typename") == typename
        common = set(node) & set(listed)
        assert len(common) >= 2, typename
        assert {k: node[k] for k in common} == {k: listed[k] for k in common}, typename


SLOTS = """query($from: DateTime!, $to: DateTime!) { availableSlots(service: PRIMARY_CARE, from: $from, to: $to) {
    id start end service facility { id } practitioner { id } } }"""


def _window() -> dict[str, str]:
    now = dt.datetime.now(dt.UTC)
    return {"from": now.isoformat(), "to": (now + dt.timedelta(days=60)).isoformat()}


async def test_another_patients_records_are_forbidden(ask: Ask) -> None:
    found = _one_per_type_and_source(await _listed(ask, "P1"))
    owned = [
        (key, obj)
        for key, obj in found.items()
        if key[0] not in ("Practitioner", "Facility", "Questionnaire", "HealthTopic")
    ]
    assert len(owned) >= 15
    for (typename, source), obj in owned:
        body = await _node(ask, "P2", typename, obj["id"])
        assert body["data"]["node"] is None and _code(body) == "FORBIDDEN", (typename, source, body)
        assert "1000000001" not in str(body)
    # Clinicians: C2 is at another facility; with a break-glass reason the record opens.
    lab = next(obj for (t, s), obj in owned if t == "LabResult" and s == "COMMUNITY")
    assert _code(await _node(ask, "C2", "LabResult", lab["id"])) == "FORBIDDEN"
    glass = await _node(ask, "C2", "LabResult", lab["id"], {"X-Break-Glass-Reason": "ED visit"})
    assert glass["data"]["node"]["id"] == lab["id"]


async def test_community_records_linked_by_match_find_their_owner(ask: Ask) -> None:
    # P2's community records carry no DoD ID: the owner is found through GENESIS demographics.
    query = '{ patient(dodId: "1000000002") { labResults(first: 50) { edges { node { ' + F["LabResult"] + " } } } } }"
    _, body = await ask("C1", query)
    labs = [e["node"] for e in body["data"]["patient"]["labResults"]["edges"]]
    community = [n for n in labs if n["provenance"]["source"] == "COMMUNITY"]
    assert community
    for persona in ("C1", "P2"):
        again = await _node(ask, persona, "LabResult", community[0]["id"])
        assert again["data"]["node"] == {"__typename": "LabResult", **community[0]}, again
    assert _code(await _node(ask, "P1", "LabResult", community[0]["id"])) == "FORBIDDEN"


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "bad_id",
    [
        "not an id!",
        "",
        _b64("no-colons-here"),
        _b64("LabResult:NOWHERE:obs-000001"),
        _b64("Labresult:GENESIS:obs-000001"),
        _b64("LabResult:GENESIS:"),
        _b64("LabResult:LIBRARY:obs-000001"),
        _b64("HealthTopic:GENESIS:1"),
        _b64("Patient:GENESIS:12345"),
    ],
)
async def test_garbage_and_tampered_ids_are_bad_input(ask: Ask, bad_id: str) -> None:
    status, body = await ask("P1", "query($id: ID!) { node(id: $id) { id } }", {"id": bad_id})
    assert status in (200, 400)
    assert body["data"] is None or body["data"]["node"] is None
    assert _code(body) == "BAD_USER_INPUT", body


async def test_a_well_formed_id_of_nothing_is_forbidden_like_another_patients(ask: Ask) -> None:
    _, body = await ask("P1", "query($id: ID!) { node(id: $id) { id } }", {"id": _b64("LabResult:GENESIS:no-such")})
    assert body["data"]["node"] is None and _code(body) == "FORBIDDEN"
