"""The audit trail: a row per request and patient for reads, denials, break-glass and writes."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import jwt

from tests.access.conftest import AuditLog, code, new_request_id
from tests.support.analysts import ANALYST_PROJECT, sealed_id, wait_for_mart
from tests.support.gql import gql
from tests.support.recovery import sources_recovered

P1, P2, P3, UNKNOWN = "1000000001", "1000000002", "1000000003", "1999999999"
READ = ("query Read($d: String!) { patient(dodId: $d) { dodId name { text } phone "
        "labResults(first: 2) { edges { node { id } } } } }")
ROOT = Path(__file__).resolve().parents[2]


async def _as(demo_stack: Any, persona: str, query: str = READ, variables: Any = None,
              headers: dict[str, str] | None = None) -> tuple[str, int, Any]:
    """Send as `persona` with a fresh request id; (request id, status, body)."""
    request_id = new_request_id()
    status, body = await gql(demo_stack, query, variables, token=demo_stack.info()["tokens"][persona],
                             headers={"X-Request-Id": request_id, **(headers or {})})
    return request_id, status, body


async def test_a_read_is_one_row_with_who_what_and_how(demo_stack: Any, audit_log: AuditLog) -> None:
    request_id, status, body = await _as(demo_stack, "P1", variables={"d": P1})
    assert status == 200 and "errors" not in body
    [row] = await audit_log.rows(request_id)
    token = demo_stack.info()["tokens"]["P1"]
    assert row["actor"] == P1 and row["role"] == "patient" and row["patient"] == P1
    assert (row["action"], row["outcome"], row["purpose"]) == ("read", "allowed", None)
    assert row["operation_name"] == "Read"
    assert row["document_hash"] == hashlib.sha256(READ.encode()).hexdigest()
    assert "lab_result" in row["record_kinds"] and "GENESIS" in row["sources"]
    assert row["client_address"] == "127.0.0.1"
    assert row["token_id"] == jwt.decode(token, options={"verify_signature": False})["jti"]
    assert row["recorded_at"] is not None


async def test_rows_hold_no_token_and_no_phi_beyond_the_dod_id(demo_stack: Any, audit_log: AuditLog) -> None:
    request_id, _, body = await _as(demo_stack, "C1", variables={"d": P1})
    patient = body["data"]["patient"]
    [row] = await audit_log.rows(request_id)
    text = repr(sorted(row.items()))
    token = demo_stack.info()["tokens"]["C1"]
    for piece in token.split("."):
        assert piece not in text  # not the token, nor any of its parts
    for phi in (patient["name"]["text"], *patient["name"]["text"].split(), patient["phone"]):
        assert phi and phi not in text


async def test_each_request_and_patient_is_one_row(demo_stack: Any, audit_log: AuditLog) -> None:
    query = """query Two { a: patient(dodId: "1000000001") { dodId }
        b: patient(dodId: "1000000002") { dodId } again: patient(dodId: "1000000001") { dodId } }"""
    request_id, status, _ = await _as(demo_stack, "C1", query)
    assert status == 200
    rows = await audit_log.rows(request_id, expect=2)
    assert sorted(row["patient"] for row in rows) == [P1, P2]


async def test_denials_are_audited_even_for_nobody(demo_stack: Any, audit_log: AuditLog) -> None:
    for persona, target in (("P2", P1), ("P1", UNKNOWN), ("C2", P1), ("A1", UNKNOWN)):
        request_id, _, body = await _as(demo_stack, persona, variables={"d": target})
        assert code(body) == "FORBIDDEN"
        [row] = await audit_log.rows(request_id)
        assert (row["patient"], row["outcome"], row["action"]) == (target, "denied", "read"), persona
        # nothing of the record, but what deciding took: a clinician's access rests on the care team
        decided_by = (["care_team"], ["GENESIS"]) if persona == "C2" else ([], [])
        assert (row["record_kinds"], row["sources"]) == decided_by, persona


async def test_break_glass_is_audited_with_its_purpose(demo_stack: Any, audit_log: AuditLog) -> None:
    reason = "ED visit, patient unconscious"
    request_id, _, body = await _as(demo_stack, "C2", variables={"d": P1},
                                    headers={"X-Break-Glass-Reason": f"  {reason} "})
    assert body["data"]["patient"]["dodId"] == P1
    [row] = await audit_log.rows(request_id)
    c2 = demo_stack.personas["C2"]
    assert (row["actor"], row["role"], row["patient"]) == (c2.subject, "clinician", P1)
    assert (row["outcome"], row["purpose"]) == ("allowed", reason)
    request_id, _, body = await _as(demo_stack, "C2", variables={"d": P3},
                                    headers={"X-Break-Glass-Reason": "\t"})
    assert code(body) == "FORBIDDEN"
    [row] = await audit_log.rows(request_id)
    assert (row["patient"], row["outcome"], row["purpose"]) == (P3, "denied", None)


async def test_own_facility_reads_carry_no_purpose(demo_stack: Any, audit_log: AuditLog) -> None:
    request_id, _, _ = await _as(demo_stack, "C1", variables={"d": P1},
                                 headers={"X-Break-Glass-Reason": "not needed here"})
    [row] = await audit_log.rows(request_id)
    assert (row["outcome"], row["purpose"]) == ("allowed", None)


async def test_analyst_reads_are_audited_under_the_real_dod_id(demo_stack: Any, audit_log: AuditLog) -> None:
    query = "query($id: ID!) { node(id: $id) { ... on Patient { dodId } } }"
    request_id, _, body = await _as(demo_stack, "A1", query, variables={"id": await sealed_id(demo_stack, P3)})
    assert body["data"]["node"]["dodId"].startswith("anon-")
    [row] = await audit_log.rows(request_id)
    assert (row["role"], row["patient"], row["outcome"]) == ("analyst", P3, "allowed")
    assert row["project"] == ANALYST_PROJECT


COHORT = """query Cohort { cohort(criteria: {conditions: ["E11", "I10"], sexes: ["female", "male"],
    period: {fromYear: 2000, toYear: 2100}}, by: [SEX]) {
    total { count } cells { sex count suppressed } patients(first: 4) { patients { id pseudonym } } } }"""


async def test_every_cohort_question_is_audited_with_criteria_project_and_counts(
    demo_stack: Any, audit_log: AuditLog
) -> None:
    await wait_for_mart(demo_stack)
    request_id, status, body = await _as(demo_stack, "A1", COHORT)
    assert status == 200 and "errors" not in body, body
    [row] = await audit_log.rows(request_id)
    assert (row["action"], row["role"], row["project"], row["patient"]) == ("cohort", "analyst", ANALYST_PROJECT, None)
    details = json.loads(row["details"])
    assert details["criteria"] == {"conditions": ["E11", "I10"], "sexes": ["female", "male"], "years": [2000, 2100]}
    assert details["by"] == ["SEX"] and details["total"] == body["data"]["cohort"]["total"]["count"]
    shown = [[c["sex"], c["count"]] for c in body["data"]["cohort"]["cells"] if not c["suppressed"]]
    assert details["cells"] == shown and details["suppressed"] == 5 - len(shown)
    members = (body["data"]["cohort"]["patients"] or {"patients": []})["patients"]
    assert details["handed_out"] == len(members)
    text = row["details"]  # counts only: no patient of the cohort is named, by id or pseudonym
    assert not any(m["id"] in text or m["pseudonym"] in text for m in members)


async def test_requests_that_touch_no_patient_leave_no_row(demo_stack: Any, audit_log: AuditLog) -> None:
    request_id, status, _ = await _as(demo_stack, "P1", "{ healthTopics(search: \"blood\") { title } }")
    assert status == 200
    assert await audit_log.none_for(request_id, settle=lambda: _settle(demo_stack))


async def _settle(demo_stack: Any) -> str:
    request_id, _, _ = await _as(demo_stack, "P1", variables={"d": P1})
    return request_id


async def test_rows_cannot_be_changed_or_removed(demo_stack: Any, audit_log: AuditLog) -> None:
    request_id, _, _ = await _as(demo_stack, "P1", variables={"d": P1})
    [row] = await audit_log.rows(request_id)
    conn = await asyncpg.connect(audit_log.dsn)  # the demo connects as the database owner
    try:
        for statement in ("UPDATE audit.events SET outcome = 'denied' WHERE id = $1",
                          "DELETE FROM audit.events WHERE id = $1"):
            try:
                await conn.execute(statement, row["id"])
            except asyncpg.InsufficientPrivilegeError as error:
                assert "insert-only" in str(error)
            else:
                raise AssertionError(f"{statement} was allowed")
        try:
            await conn.execute("TRUNCATE audit.events")
        except asyncpg.InsufficientPrivilegeError:
            pass
        else:
            raise AssertionError("TRUNCATE was allowed")
        assert dict(await conn.fetchrow("SELECT * FROM audit.events WHERE id = $1", row["id"])) == row
        privileges = {
            kind: await conn.fetchval("SELECT has_table_privilege('mhs_gateway_app', 'audit.events', $1)", kind)
            for kind in ("INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE")
        }
        assert privileges == {"INSERT": True, "SELECT": True, "UPDATE": False, "DELETE": False,
                              "TRUNCATE": False}
    finally:
        await conn.close()


def test_no_code_updates_or_deletes_audit_rows() -> None:
    """Only the migration's trigger names UPDATE or DELETE next to audit.events, to refuse them."""
    changing = re.compile(r"\b(UPDATE|DELETE\s+FROM|TRUNCATE)\s+(TABLE\s+)?(ONLY\s+)?\"?audit\"?\.", re.I)
    found = [
        str(path.relative_to(ROOT))
        for package in ("gateway", "schema", "resolvers", "sources")
        for path in (ROOT / package).rglob("*")
        if path.suffix in (".py", ".sql") and changing.search(path.read_text())
    ]
    assert found == []


async def test_rows_name_what_was_read_where_demographics_care_team_and_node(
    demo_stack: Any, audit_log: AuditLog
) -> None:
    request_id, status, body = await _as(demo_stack, "P1", "{ me { name { text } primaryCareTeam { name } } }")
    assert status == 200 and "errors" not in body
    [row] = await audit_log.rows(request_id)
    assert {"patient", "care_team"} <= set(row["record_kinds"])
    # the name and the care team were read in GENESIS; where P1's links came from the short link
    # cache (record ids only), nothing else was read for this request, so no other source is named
    assert "GENESIS" in row["sources"]
    request_id, status, body = await _as(
        demo_stack, "C1", "query W($d: String!) { patient(dodId: $d) { name { text } } }", {"d": P1}
    )
    assert status == 200 and "errors" not in body, body
    [row] = await audit_log.rows(request_id)
    assert "patient" in row["record_kinds"]  # (and the care team that let C1 in)
    assert {"GENESIS", "COMMUNITY", "TOL_ARCHIVE"} <= set(row["sources"])  # linked (read) in all three

    _, _, listed = await _as(demo_stack, "P1", "{ me { labResults(first: 1) { edges { node { id } } } } }")
    lab_id = listed["data"]["me"]["labResults"]["edges"][0]["node"]["id"]
    request_id, status, body = await _as(demo_stack, "P1", "query N($id: ID!) { node(id: $id) { id } }", {"id": lab_id})
    assert status == 200 and body["data"]["node"]["id"] == lab_id
    [row] = await audit_log.rows(request_id)
    assert row["patient"] == P1 and "lab_result" in row["record_kinds"] and row["sources"]


async def test_a_read_a_source_failed_for_is_partial_and_names_the_source(demo_stack: Any, audit_log: AuditLog) -> None:
    admin = demo_stack.info()["admin"]["community"]
    async with aiohttp.ClientSession() as http:
        async with http.put(f"{admin}/faults", json={"error_status": 503}) as response:
            assert response.status == 200
        try:
            request_id, status, body = await _as(demo_stack, "P1", variables={"d": P1})
        finally:
            async with http.delete(f"{admin}/faults") as response:
                assert response.status == 200
    assert status == 200 and any(e["extensions"].get("source") == "COMMUNITY" for e in body["errors"])
    [row] = await audit_log.rows(request_id)
    assert (row["outcome"], row["failed_sources"]) == ("partial", ["COMMUNITY"])
    assert "COMMUNITY" not in row["sources"]  # nothing was read there
    assert await sources_recovered(demo_stack)


async def test_a_break_glass_reason_is_stored_as_the_clinician_wrote_it_or_refused(
    demo_stack: Any, audit_log: AuditLog
) -> None:
    reason = "Urgence: patiente inconsciente, allergie à la pénicilline"
    request_id, status, body = await _as(demo_stack, "C2", variables={"d": P1},
                                         headers={"X-Break-Glass-Reason": reason})  # sent as UTF-8
    assert status == 200 and body["data"]["patient"]["dodId"] == P1
    [row] = await audit_log.rows(request_id)
    assert row["purpose"] == reason  # UTF-8 on the wire, UTF-8 in the row: not garbled
    for hostile in ("ED visit\x1b[31m", "ED visit\x85 next line", "ED \u202egnimoc", "ED\u2066visit\u2069",
                    "ED\x07visit"):
        status, refusal = await _raw_read(demo_stack, "C2", hostile.encode())
        # refused by the gateway, or (control bytes) by the HTTP parser (httptools) before it: never stored
        assert status == 400 and (refusal is None or refusal["errors"][0]["extensions"] == REFUSED), hostile


REFUSED = {"code": "BAD_USER_INPUT", "header": "X-Break-Glass-Reason"}


async def _raw_read(demo_stack: Any, persona: str, reason: bytes) -> tuple[int, Any]:
    """P1's record asked for with these exact header bytes (no client library rewrites them)."""
    url = urlsplit(demo_stack.info()["graphql_url"])
    body = b'{"query": "{ patient(dodId: \\"1000000001\\") { dodId } }"}'
    token = demo_stack.info()["tokens"][persona].encode()
    request = (b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Authorization: Bearer " + token + b"\r\nX-Break-Glass-Reason: " + reason + b"\r\n"
               b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(request)
    answer = await reader.read()
    writer.close()
    head, _, payload = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    if b"application/json" not in head.lower() and status == 400:  # the HTTP parser refused the request
        return status, None
    return status, json.loads(payload)


async def test_a_header_that_is_not_utf8_is_refused(demo_stack: Any) -> None:
    status, refusal = await _raw_read(demo_stack, "C2", b"ED \xff\xfe visit")
    assert status == 400 and refusal is not None and refusal["errors"][0]["extensions"] == REFUSED
