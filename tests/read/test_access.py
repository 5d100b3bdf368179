"""Who may read what: own record, care-team facility, break-glass, de-identified analysts."""

from __future__ import annotations

from typing import Any

from tests.read.conftest import Ask

ONE = "query($d: String!) { patient(dodId: $d) { dodId name { text } } }"


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def test_patient_reads_only_their_own_record(ask: Ask) -> None:
    _, own = await ask("P1", ONE, {"d": "1000000001"})
    assert own["data"]["patient"]["dodId"] == "1000000001"
    _, other = await ask("P1", ONE, {"d": "1000000002"})
    _, nobody = await ask("P1", ONE, {"d": "1999999999"})
    assert other["data"]["patient"] is None and _code(other) == "FORBIDDEN"
    assert nobody["data"]["patient"] is None and _code(nobody) == "FORBIDDEN"
    assert other["errors"][0]["message"] == nobody["errors"][0]["message"]


async def test_clinician_sees_their_facility_and_needs_break_glass_elsewhere(ask: Ask) -> None:
    _, p1 = await ask("C1", ONE, {"d": "1000000001"})
    assert p1["data"]["patient"]["dodId"] == "1000000001"
    _, p3 = await ask("C1", ONE, {"d": "1000000003"})
    assert _code(p3) == "FORBIDDEN"
    _, blank = await ask("C1", ONE, {"d": "1000000003"}, {"X-Break-Glass-Reason": "   "})
    assert _code(blank) == "FORBIDDEN"
    _, glass = await ask("C1", ONE, {"d": "1000000003"}, {"X-Break-Glass-Reason": "ED visit, patient unconscious"})
    assert glass["data"]["patient"]["dodId"] == "1000000003"
    _, c2 = await ask("C2", ONE, {"d": "1000000001"})
    assert _code(c2) == "FORBIDDEN"
    _, unknown = await ask("C2", ONE, {"d": "1999999999"}, {"X-Break-Glass-Reason": "checking"})
    assert _code(unknown) == "FORBIDDEN"


async def test_analyst_sees_no_direct_identifiers(ask: Ask) -> None:
    query = """query($d: String!) { patient(dodId: $d) { id dodId name { text given family }
        birthDate phone email gender
        clinicalNotes(first: 3) { edges { node { title text } } }
        messageThreads(first: 3) { edges { node { subject messages(first: 2) { edges { node { body sender } } } } } }
        labResults(first: 3) { edges { node { display valueQuantity { value unit } } } } } }"""
    status, body = await ask("A1", query, {"d": "1000000001"})
    assert status == 200 and "errors" not in body, body
    p = body["data"]["patient"]
    assert p["dodId"] != "1000000001" and p["dodId"].startswith("anon-")
    assert "1000000001" not in str(body)
    assert p["name"] == {"text": "[redacted]", "given": [], "family": "[redacted]"}
    assert p["birthDate"].endswith("-01-01")
    assert p["phone"] is None and p["email"] is None
    assert all(e["node"]["text"] == "[redacted]" for e in p["clinicalNotes"]["edges"])
    for thread in p["messageThreads"]["edges"]:
        assert thread["node"]["subject"] == "[redacted]"
        assert all(m["node"]["body"] == "[redacted]" for m in thread["node"]["messages"]["edges"])
    assert any(e["node"]["valueQuantity"] for e in p["labResults"]["edges"])
    _, again = await ask("A1", query, {"d": "1000000001"})
    assert again["data"]["patient"]["dodId"] == p["dodId"]  # a stable pseudonym
    _, other = await ask("A1", query, {"d": "1000000002"})
    assert other["data"]["patient"]["dodId"] != p["dodId"]


async def test_a_record_id_of_another_patient_gives_nothing(ask: Ask) -> None:
    _, mine = await ask("P1", "{ me { labResults(first: 1) { edges { node { id } } } } }")
    lab_id = mine["data"]["me"]["labResults"]["edges"][0]["node"]["id"]
    query = "query($id: ID!) { node(id: $id) { id ... on LabResult { display } } }"
    _, own = await ask("P1", query, {"id": lab_id})
    assert own["data"]["node"]["id"] == lab_id
    _, stolen = await ask("P2", query, {"id": lab_id})
    assert stolen["data"]["node"] is None and _code(stolen) == "FORBIDDEN"
