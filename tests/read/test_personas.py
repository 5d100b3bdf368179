"""Every persona's record, read through the gateway from the sources demo.md promises."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.read.conftest import Ask

COVERAGE = "sourceCoverage { source state }"


def _coverage(patient: dict[str, Any]) -> dict[str, str]:
    return {c["source"]: c["state"] for c in patient["sourceCoverage"]}


async def test_p1_sees_all_three_sources_ok(ask: Ask) -> None:
    status, body = await ask("P1", "{ me { dodId name { text } birthDate " + COVERAGE + " } }")
    assert status == 200, body
    assert "errors" not in body, body
    me = body["data"]["me"]
    assert me["dodId"] == "1000000001"
    assert me["name"]["text"]
    assert _coverage(me) == {"GENESIS": "OK", "COMMUNITY": "OK", "TOL_ARCHIVE": "OK"}


async def test_p1_labs_merge_sources_and_collapse_the_shared_accession(ask: Ask) -> None:
    query = """{ me { labResults(first: 100) { totalCount edges { node {
        display interpretation effectiveAt provenance { source sourceId alsoIn matchConfidence } } } } } }"""
    status, body = await ask("P1", query)
    assert status == 200 and "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["me"]["labResults"]["edges"]]
    by_source: dict[str, int] = {}
    for n in nodes:
        by_source[n["provenance"]["source"]] = by_source.get(n["provenance"]["source"], 0) + 1
    assert by_source.get("GENESIS", 0) >= 5
    assert by_source.get("TOL_ARCHIVE", 0) >= 2
    assert by_source.get("COMMUNITY", 0) >= 1
    merged = [n for n in nodes if n["provenance"]["alsoIn"]]
    assert len(merged) == 1
    assert merged[0]["provenance"]["source"] == "GENESIS"
    assert merged[0]["provenance"]["alsoIn"] == ["COMMUNITY"]
    assert any(n["interpretation"] == "HIGH" for n in nodes)
    times = [n["effectiveAt"] for n in nodes]
    assert len(times) == len(nodes)
    community = [n for n in nodes if n["provenance"]["source"] == "COMMUNITY"]
    assert all(n["provenance"]["matchConfidence"] is None for n in community)  # linked by DoD ID


async def test_p1_prescriptions_carry_renewal_eligibility(ask: Ask) -> None:
    query = """{ me { prescriptions(first: 50) { edges { node {
        display status refillsRemaining expiresOn provenance { source } renewal { eligible reason } } } } } }"""
    status, body = await ask("P1", query)
    assert status == 200 and "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["me"]["prescriptions"]["edges"]]
    reasons = {(n["provenance"]["source"], n["renewal"]["reason"], n["renewal"]["eligible"]) for n in nodes}
    assert ("GENESIS", "NO_REFILLS_LEFT", True) in reasons
    assert ("GENESIS", "EXPIRED", True) in reasons
    assert ("GENESIS", "HAS_REFILLS", False) in reasons
    assert ("COMMUNITY", "NOT_GENESIS", False) in reasons
    assert ("TOL_ARCHIVE", "NOT_GENESIS", False) in reasons


async def test_p1_threads_genesis_repliable_tol_archived(ask: Ask) -> None:
    query = """{ me { messageThreads(first: 50) { edges { node { subject folder canReply
        provenance { source } messages(first: 5) { edges { node { body fromPatient sender } } } } } } } }"""
    status, body = await ask("P1", query)
    assert status == 200 and "errors" not in body, body
    threads = [e["node"] for e in body["data"]["me"]["messageThreads"]["edges"]]
    tol = [t for t in threads if t["provenance"]["source"] == "TOL_ARCHIVE"]
    genesis = [t for t in threads if t["provenance"]["source"] == "GENESIS"]
    assert len(tol) >= 3 and len(genesis) >= 2
    assert all(not t["canReply"] and t["folder"] == "ARCHIVE" for t in tol)
    assert all(t["canReply"] for t in genesis)
    assert all(t["messages"]["edges"] for t in threads)


async def test_p1_upcoming_visits_and_dental_questionnaire(ask: Ask) -> None:
    query = """{ me {
        appointments(first: 50, status: [BOOKED]) { edges { node { service start canCancel canReschedule
            provenance { source } questionnaire { completedAt questionnaire { title items { linkId type } } } } } }
        questionnaires { id dueBy appointment { service } }
        conditions { code { system code } healthTopics { title approvedBy } }
        clinicalNotes(first: 10) { edges { node { title text provenance { source } attachment { url } } } }
        primaryCareTeam { name facility { name onGenesis } members { name { text } } }
    } }"""
    status, body = await ask("P1", query)
    assert status == 200 and "errors" not in body, body
    me = body["data"]["me"]
    booked = [e["node"] for e in me["appointments"]["edges"]]
    future = [a for a in booked if a["canCancel"]]
    services = {a["service"] for a in future}
    assert {"PRIMARY_CARE", "DENTAL"} <= services
    dental = next(a for a in future if a["service"] == "DENTAL")
    assert dental["questionnaire"] is not None and dental["questionnaire"]["completedAt"] is None
    assert dental["questionnaire"]["questionnaire"]["items"]
    assert any(q["appointment"] and q["appointment"]["service"] == "DENTAL" for q in me["questionnaires"])
    icd = [c for c in me["conditions"] if c["code"]["system"].endswith("icd-10-cm")]
    assert len([c for c in icd if c["healthTopics"]]) >= 2
    notes = [e["node"] for e in me["clinicalNotes"]["edges"]]
    assert len([n for n in notes if n["provenance"]["source"] == "GENESIS"]) >= 3
    assert all(n["text"] or n["attachment"] for n in notes)  # a PDF note is a document to download
    assert any(n["attachment"] for n in notes)
    assert me["primaryCareTeam"]["facility"]["onGenesis"] is True


async def test_p2_community_found_by_match_and_no_tol(ask: Ask) -> None:
    query = (
        """{ me { """
        + COVERAGE
        + """ labResults(first: 100) { edges { node {
        provenance { source matchConfidence } } } } } }"""
    )
    status, body = await ask("P2", query)
    assert status == 200 and "errors" not in body, body
    me = body["data"]["me"]
    assert _coverage(me)["TOL_ARCHIVE"] == "NOT_LINKED"
    assert _coverage(me)["COMMUNITY"] == "OK"
    community = [e["node"] for e in me["labResults"]["edges"] if e["node"]["provenance"]["source"] == "COMMUNITY"]
    assert community
    assert all(0 < n["provenance"]["matchConfidence"] < 1 for n in community)


async def test_p4_only_genesis(ask: Ask) -> None:
    status, body = await ask("P4", "{ me { " + COVERAGE + " } }")
    assert status == 200 and "errors" not in body, body
    assert _coverage(body["data"]["me"]) == {"GENESIS": "OK", "COMMUNITY": "NOT_LINKED", "TOL_ARCHIVE": "NOT_LINKED"}


async def test_p3_full_lab_history_pages_without_gap_or_repeat(ask: Ask) -> None:
    query = """query($after: String) { me { labResults(first: 40, after: $after) { totalCount
        pageInfo { hasNextPage endCursor } edges { node { id effectiveAt } } } } }"""
    seen: list[str] = []
    after = None
    total = None
    for _ in range(30):
        status, body = await ask("P3", query, {"after": after})
        assert status == 200 and "errors" not in body, body
        conn = body["data"]["me"]["labResults"]
        total = conn["totalCount"]
        seen += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen))
    assert len(seen) >= 250
    assert total is None  # GENESIS (Millennium) gives no total on a paged search: unknown, not a guess


async def test_p3_threads_and_appointments_volume(ask: Ask) -> None:
    query = """{ me { messageThreads(first: 50) { totalCount edges { node { messages(first: 50) { totalCount } } } }
        appointments(first: 100) { totalCount } } }"""
    status, body = await ask("P3", query)
    assert status == 200 and "errors" not in body, body
    me = body["data"]["me"]
    assert me["messageThreads"]["totalCount"] >= 12
    assert sum(e["node"]["messages"]["totalCount"] for e in me["messageThreads"]["edges"]) >= 60
    assert me["appointments"]["totalCount"] >= 40


async def test_page_size_and_cursor_are_checked(ask: Ask) -> None:
    status, body = await ask("P1", "{ me { labResults(first: 101) { totalCount } } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    status, body = await ask("P1", '{ me { labResults(first: 5, after: "bm90LWEtY3Vyc29y") { totalCount } } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert status in (200, 400)


def _ids(body: Any, key: str) -> set[str]:
    return {e["node"]["provenance"]["sourceId"] for e in body[key]["edges"]}


async def test_p2_decoy_is_never_linked(ask: Ask, demo_stack: Any) -> None:
    decoy = {
        p["id"]
        for p in demo_stack.data.community
        if p["resourceType"] == "Patient" and p.get("birthDate") == "1963-02-11"
    }
    assert decoy
    decoy_records = {
        r["id"]
        for r in demo_stack.data.community
        if r["resourceType"] in ("Observation", "DocumentReference")
        and (r.get("subject") or {}).get("reference") in {f"Patient/{d}" for d in decoy}
    }
    assert decoy_records
    query = """query($d: String!) { patient(dodId: $d) {
        labResults(first: 100) { edges { node { provenance { source sourceId } } } }
        clinicalNotes(first: 100) { edges { node { provenance { source sourceId } } } } } }"""
    for persona in ("P2", "C1"):
        status, body = await ask(persona, query, {"d": "1000000002"})
        assert status == 200 and "errors" not in body, body
        p = body["data"]["patient"]
        seen = _ids(p, "labResults") | _ids(p, "clinicalNotes")
        assert seen and not seen & decoy_records


async def test_entered_in_error_records_never_come_back(ask: Ask, demo_stack: Any) -> None:
    wrong = {r["id"] for r in demo_stack.data.genesis + demo_stack.data.community if _in_error(r)}
    wrong |= {row.result_id for row in demo_stack.data.tol.lab_results if row.entered_in_error}
    in_error = {r["resourceType"] for r in demo_stack.data.genesis if _in_error(r)}  # P1's, as Millennium ids
    assert {"Observation", "DocumentReference", "Condition"} <= in_error
    query = """{ me { labResults(first: 100) { edges { node { provenance { sourceId } } } }
        clinicalNotes(first: 100) { edges { node { provenance { sourceId } } } }
        appointments(first: 100) { edges { node { provenance { sourceId } } } }
        prescriptions(first: 100) { edges { node { provenance { sourceId } } } }
        conditions { provenance { sourceId } } } }"""
    for persona in ("P1", "P2", "P3", "P4"):
        status, body = await ask(persona, query)
        assert status == 200 and "errors" not in body, body
        me = body["data"]["me"]
        seen = set().union(*(_ids(me, k) for k in ("labResults", "clinicalNotes", "appointments", "prescriptions")))
        seen |= {c["provenance"]["sourceId"] for c in me["conditions"]}
        assert not seen & wrong, (persona, seen & wrong)


def _in_error(resource: dict[str, Any]) -> bool:
    if resource.get("status") == "entered-in-error":
        return True
    codes = [c.get("code") for c in (resource.get("verificationStatus") or {}).get("coding") or ()]
    return "entered-in-error" in codes


async def test_times_keep_the_offset_the_source_gave(ask: Ask, demo_stack: Any) -> None:
    starts = {
        r["id"]: r["start"] for r in demo_stack.data.genesis if r["resourceType"] == "Appointment" and r.get("start")
    }
    query = """{ me { appointments(first: 100) { edges { node { start provenance { source sourceId } } } } } }"""
    status, body = await ask("P3", query)
    assert status == 200 and "errors" not in body, body
    genesis = [
        e["node"] for e in body["data"]["me"]["appointments"]["edges"] if e["node"]["provenance"]["source"] == "GENESIS"
    ]
    assert genesis
    for node in genesis:
        given = dt.datetime.fromisoformat(starts[node["provenance"]["sourceId"]])
        served = dt.datetime.fromisoformat(node["start"])
        assert served == given and served.utcoffset() == given.utcoffset()
    assert all(n["start"].endswith("+09:00") for n in genesis)  # Yokosuka


async def _walk(ask: Ask, persona: str, field: str, first: int) -> tuple[list[str], set[int]]:
    query = f"""query($after: String) {{ me {{ {field}(first: {first}, after: $after) {{ totalCount
        pageInfo {{ hasNextPage endCursor }} edges {{ node {{ id }} }} }} }} }}"""
    seen: list[str] = []
    totals: set[int] = set()
    after = None
    for _ in range(60):
        status, body = await ask(persona, query, {"after": after})
        assert status == 200 and "errors" not in body, body
        conn = body["data"]["me"][field]
        totals.add(conn["totalCount"])
        seen += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            return seen, totals
        after = conn["pageInfo"]["endCursor"]
    raise AssertionError(f"{field} never ended")


async def test_p3_threads_and_appointments_page_without_gap_or_repeat(ask: Ask) -> None:
    for field, least in (("messageThreads", 12), ("appointments", 40)):
        whole, _ = await _walk(ask, "P3", field, 100)
        for first in (7, 5):
            paged, totals = await _walk(ask, "P3", field, first)
            assert paged == whole, field  # the same records, in the same order: no gap, no repeat
            assert totals == {len(whole)}
        assert len(whole) == len(set(whole)) >= least


async def test_p3_messages_of_every_thread_page_without_gap_or_repeat(ask: Ask) -> None:
    _, body = await ask("P3", "{ me { messageThreads(first: 50) { edges { node { id } } } } }")
    threads = [e["node"]["id"] for e in body["data"]["me"]["messageThreads"]["edges"]]
    assert len(threads) >= 12
    query = """query($id: ID!, $after: String) { node(id: $id) { ... on MessageThread {
        messages(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { id } } } } } }"""
    count = 0
    for thread in threads:
        seen: list[str] = []
        totals: set[int] = set()
        after = None
        for _ in range(40):
            status, page = await ask("P3", query, {"id": thread, "after": after})
            assert status == 200 and "errors" not in page, page
            conn = page["data"]["node"]["messages"]
            totals.add(conn["totalCount"])
            seen += [e["node"]["id"] for e in conn["edges"]]
            if not conn["pageInfo"]["hasNextPage"]:
                break
            after = conn["pageInfo"]["endCursor"]
        assert len(seen) == len(set(seen)) and totals == {len(seen)}
        count += len(seen)
    assert count >= 60
