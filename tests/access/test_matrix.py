"""Who may read what: each role against own / other / unknown patient, by every way in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.access.conftest import Ask, Upstreams, code
from tests.support.gql import gql

P1, P2, P3, UNKNOWN = "1000000001", "1000000002", "1000000003", "1999999999"
ONE = "query($d: String!) { patient(dodId: $d) { dodId name { text } } }"
NESTED = """query($d: String!) { patient(dodId: $d) {
    labResults(first: 2) { edges { node { id display } } }
    messageThreads(first: 1) { edges { node { subject messages(first: 1) { edges { node { body } } } } } } } }"""
NODE = "query($id: ID!) { node(id: $id) { id ... on LabResult { display } ... on Patient { dodId } } }"
GLASS = {"X-Break-Glass-Reason": "ED visit, patient unconscious"}


def _denied(body: dict[str, Any], field: str) -> dict[str, Any]:
    """The denial error of a refused read, checking nothing of the record came back."""
    assert body["data"] is None or body["data"][field] is None, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
    error: dict[str, Any] = body["errors"][0]
    return {"message": error["message"], "extensions": error["extensions"]}


async def _lab_id(ask: Ask, persona: str, dod_id: str, headers: Any = None) -> str:
    _, body = await ask(persona, "query($d: String!) { patient(dodId: $d) { labResults(first: 1) "
                                 "{ edges { node { id } } } } }", {"d": dod_id}, headers)
    return str(body["data"]["patient"]["labResults"]["edges"][0]["node"]["id"])


async def _patient_id(ask: Ask, persona: str, dod_id: str) -> str:
    _, body = await ask(persona, "query($d: String!) { patient(dodId: $d) { id } }", {"d": dod_id})
    return str(body["data"]["patient"]["id"])


@pytest.mark.parametrize(
    ("persona", "dod_id", "headers", "allowed"),
    [
        ("P1", P1, None, True),  # own record
        ("P1", P2, None, False),  # another patient
        ("P1", UNKNOWN, None, False),  # nobody
        ("P1", P2, GLASS, False),  # break-glass is for clinicians only
        ("C1", P1, None, True),  # on the clinician's facility's care team
        ("C1", P2, None, True),
        ("C1", P3, None, False),  # elsewhere, no reason
        ("C1", P3, GLASS, True),  # elsewhere, with a reason
        ("C1", UNKNOWN, None, False),
        ("C1", UNKNOWN, GLASS, False),  # a reason does not reveal who exists
        ("C2", P1, None, False),
        ("C2", P1, GLASS, True),
        ("C2", UNKNOWN, GLASS, False),
        ("A1", P1, None, False),  # analysts: never by DoD ID (by cohort-issued ids only)
        ("A1", P3, GLASS, False),
        ("A1", UNKNOWN, None, False),
    ],
)
async def test_patient_by_dod_id(ask: Ask, persona: str, dod_id: str, headers: Any, allowed: bool) -> None:
    status, body = await ask(persona, ONE, {"d": dod_id}, headers)
    assert status == 200
    if allowed:
        assert "errors" not in body, body
        assert body["data"]["patient"]["dodId"] == dod_id
        assert body["data"]["patient"]["name"]["text"]
    else:
        _denied(body, "patient")


async def test_nested_fields_follow_the_patient_rule(ask: Ask) -> None:
    _, c1 = await ask("C1", NESTED, {"d": P1})
    assert "errors" not in c1 and c1["data"]["patient"]["labResults"]["edges"]
    _, c2 = await ask("C2", NESTED, {"d": P1})
    _denied(c2, "patient")  # nothing nested comes back either
    _, p2 = await ask("P2", NESTED, {"d": P1})
    _denied(p2, "patient")


async def test_me_is_the_signed_in_patient_only(ask: Ask) -> None:
    query = "{ me { dodId } }"
    _, p1 = await ask("P1", query)
    assert p1 == {"data": {"me": {"dodId": P1}}}
    for persona in ("C1", "C2", "A1"):
        _, other = await ask(persona, query)
        assert other == {"data": {"me": None}}, persona


async def test_a_record_id_of_another_patient_gives_nothing(ask: Ask) -> None:
    lab_id = await _lab_id(ask, "P1", P1)
    _, own = await ask("P1", NODE, {"id": lab_id})
    assert own["data"]["node"]["id"] == lab_id
    _, stolen = await ask("P2", NODE, {"id": lab_id})
    _denied(stolen, "node")
    _, outsider = await ask("C2", NODE, {"id": lab_id})
    _denied(outsider, "node")
    _, glass = await ask("C2", NODE, {"id": lab_id}, GLASS)
    assert glass["data"]["node"]["display"] == own["data"]["node"]["display"]
    _, care_team = await ask("C1", NODE, {"id": lab_id})
    assert care_team["data"]["node"]["id"] == lab_id
    _, analyst = await ask("A1", NODE, {"id": lab_id})
    _denied(analyst, "node")  # analysts reach records only under a patient a cohort handed them


async def test_a_patient_id_of_another_patient_gives_nothing(ask: Ask) -> None:
    p1_id = await _patient_id(ask, "P1", P1)
    _, own = await ask("P1", NODE, {"id": p1_id})
    assert own["data"]["node"]["dodId"] == P1
    _, c1 = await ask("C1", NODE, {"id": p1_id})
    assert c1["data"]["node"]["dodId"] == P1
    for persona in ("P2", "C2"):
        _, other = await ask(persona, NODE, {"id": p1_id})
        _denied(other, "node")
    p3_id = await _patient_id(ask, "P3", P3)
    _, c1_p3 = await ask("C1", NODE, {"id": p3_id})
    _denied(c1_p3, "node")


async def test_every_denial_is_the_same_error(ask: Ask) -> None:
    """Other, unknown, wrong role, by DoD ID or by id: one message, one shape, nothing to probe."""
    p1_id = await _patient_id(ask, "P1", P1)
    lab_id = await _lab_id(ask, "P1", P1)
    seen = []
    for persona, dod_id in (("P2", P1), ("P2", UNKNOWN), ("C1", P3), ("C1", UNKNOWN),
                            ("C2", P1), ("A1", UNKNOWN), ("A1", P1)):
        _, body = await ask(persona, ONE, {"d": dod_id})
        seen.append(_denied(body, "patient"))
    for persona, node_id in (("P2", p1_id), ("P2", lab_id), ("C2", lab_id), ("A1", p1_id), ("A1", lab_id)):
        _, body = await ask(persona, NODE, {"id": node_id})
        seen.append(_denied(body, "node"))
    assert all(error == seen[0] for error in seen), seen
    assert P1 not in str(seen) and UNKNOWN not in str(seen)


async def test_break_glass_reason_must_not_be_blank(ask: Ask) -> None:
    for blank in ("", "   ", "\t"):
        _, body = await ask("C2", ONE, {"d": P1}, {"X-Break-Glass-Reason": blank})
        _denied(body, "patient")


async def test_break_glass_reason_of_500_characters_is_accepted(ask: Ask) -> None:
    _, body = await ask("C2", ONE, {"d": P1}, {"X-Break-Glass-Reason": "r" * 500})
    assert body["data"]["patient"]["dodId"] == P1


async def test_too_long_break_glass_reason_is_refused_before_anything_runs(
    ask: Ask, upstreams: Upstreams
) -> None:
    await upstreams.reset()
    status, body = await ask("C2", ONE, {"d": P1}, {"X-Break-Glass-Reason": "r" * 501})
    assert status == 400
    assert code(body) == "BAD_USER_INPUT" and "data" not in body
    assert "X-Break-Glass-Reason" in body["errors"][0]["message"]
    assert await upstreams.requests() == {"genesis": 0, "community": 0}


async def test_clinician_without_cac_is_refused(demo_stack: Any) -> None:
    c1 = demo_stack.personas["C1"]
    for amr in (["pwd"], []):
        token = demo_stack.issuer.mint("clinician", c1.subject, facility=c1.facility, amr=amr)
        status, body = await gql(demo_stack, ONE, {"d": P1}, token=token)
        assert status == 401, amr
        assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": "STRONG_AUTH_REQUIRED"}
    acr = demo_stack.issuer.mint("clinician", c1.subject, facility=c1.facility, amr=[],
                                 extra_claims={"acr": "cac"})
    status, body = await gql(demo_stack, ONE, {"d": P1}, token=acr)
    assert status == 200 and body["data"]["patient"]["dodId"] == P1
