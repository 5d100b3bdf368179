"""Every persona's record, read through the gateway from the sources demo.md promises."""

from __future__ import annotations

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
        clinicalNotes(first: 10) { edges { node { title text provenance { source } } } }
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
    assert all(n["text"] for n in notes)
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
    assert total == len(seen)


async def test_p3_threads_and_appointments_volume(ask: Ask) -> None:
    query = """{ me { messageThreads(first: 100) { totalCount edges { node { messages(first: 100) { totalCount } } } }
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
