"""APQ on the demo gateway (in-memory store): miss, register, hit by hash alone over POST and GET."""

from __future__ import annotations

from typing import Any

import pytest

from tests.access.conftest import AuditLog, Upstreams, new_request_id

from .conftest import apq, get_url, graphql_url_of, send, sha256, token_of, unique

ME = "query { me { dodId } }"
THREADS = """query($n: Int!) { me { messageThreads(first: $n) { edges { node {
    messages(first: $n) { edges { node { sentAt } } } } } } } }"""
P1_DODID = "1000000001"


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_miss_then_register_then_hit_by_hash_alone(demo_stack: Any, method: str) -> None:
    url, token, text = graphql_url_of(demo_stack), token_of(demo_stack), unique(ME)
    ext = apq(sha256(text))

    miss = await send(url, token, method=method, extensions=ext)
    assert miss.status == 200
    assert miss.body == {"errors": [{"message": "PersistedQueryNotFound",
                                     "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]}
    assert miss.headers["Cache-Control"] == "no-store"

    registered = await send(url, token, method=method, query=text, extensions=ext)
    assert registered.status == 200, registered.body
    assert registered.body == {"data": {"me": {"dodId": P1_DODID}}}

    hit = await send(url, token, method=method, extensions=ext)  # no query text at all
    assert hit.status == 200 and hit.body == registered.body


async def test_registered_over_post_runs_over_get(demo_stack: Any) -> None:
    url, token, text = graphql_url_of(demo_stack), token_of(demo_stack), unique(ME)
    ext = apq(sha256(text))
    assert (await send(url, token, query=text, extensions=ext)).status == 200
    hit = await send(url, token, method="GET", extensions=ext)
    assert hit.status == 200 and hit.body["data"]["me"]["dodId"] == P1_DODID, hit.body


async def test_the_get_url_of_a_hit_is_stable_and_carries_no_text(demo_stack: Any) -> None:
    """The URL that missed is the URL that hits once registered, so a CDN can key on it: the
    miss was not cacheable, and the URL holds only the hash and the variables."""
    url, token, text = graphql_url_of(demo_stack), token_of(demo_stack), unique(THREADS)
    ext, variables = apq(sha256(text)), {"n": 2}
    before = get_url(url, variables=variables, extensions=ext)
    assert "messageThreads" not in before and sha256(text) in before

    miss = await send(url, token, method="GET", variables=variables, extensions=ext)
    assert miss.code == "PERSISTED_QUERY_NOT_FOUND" and miss.headers["Cache-Control"] == "no-store"
    assert (await send(url, token, method="GET", query=text, variables=variables, extensions=ext)).status == 200

    first = await send(url, token, method="GET", variables=variables, extensions=ext)
    second = await send(url, token, method="GET", variables=variables, extensions=ext)
    assert get_url(url, variables=variables, extensions=ext) == before
    assert first.status == second.status == 200
    assert first.body == second.body and "errors" not in first.body


async def test_hash_that_is_not_the_texts_is_refused(demo_stack: Any, upstreams: Upstreams) -> None:
    url, token, text = graphql_url_of(demo_stack), token_of(demo_stack), unique(ME)
    await upstreams.reset()
    wrong = await send(url, token, query=text, extensions=apq(sha256(text + " ")))
    assert wrong.status == 400 and wrong.code == "BAD_USER_INPUT" and "data" not in wrong.body
    assert await upstreams.requests() == {"genesis": 0, "community": 0}
    # nothing was registered under either hash
    assert (await send(url, token, extensions=apq(sha256(text + " ")))).code == "PERSISTED_QUERY_NOT_FOUND"
    assert (await send(url, token, extensions=apq(sha256(text)))).code == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("version", [2, 0, "1", None, True])
async def test_unsupported_version_is_refused(demo_stack: Any, version: Any) -> None:
    url, token, text = graphql_url_of(demo_stack), token_of(demo_stack), unique(ME)
    for query in (None, text):
        answer = await send(url, token, query=query, extensions=apq(sha256(text), version=version))
        assert answer.status == 400 and answer.code == "BAD_REQUEST", answer.body
        assert "version" in answer.body["errors"][0]["message"]


@pytest.mark.parametrize("persisted", [{"version": 1}, {"version": 1, "sha256Hash": "abc"},
                                       {"version": 1, "sha256Hash": "z" * 64}, "hash", []])
async def test_malformed_persisted_query_is_refused(demo_stack: Any, persisted: Any) -> None:
    url, token = graphql_url_of(demo_stack), token_of(demo_stack)
    answer = await send(url, token, extensions={"persistedQuery": persisted})
    assert answer.status == 400 and answer.code == "BAD_REQUEST", answer.body


async def test_a_persisted_mutation_over_get_is_still_405(demo_stack: Any) -> None:
    url, token = graphql_url_of(demo_stack), token_of(demo_stack)
    text = unique("query ($input: BookAppointmentInput!) { bookAppointment(input: $input) { __typename } }")
    text = text.replace("query ", "mutation ", 1)
    ext = apq(sha256(text))
    answer = await send(url, token, method="GET", query=text, extensions=ext)
    assert answer.status == 405 and answer.code == "METHOD_NOT_ALLOWED"
    assert answer.headers["Allow"] == "POST"


async def test_limits_refuse_a_persisted_document_unexecuted(demo_stack: Any, upstreams: Upstreams) -> None:
    """Registered with a small `first`, then asked by hash with a large one: over the cost limit."""
    url, token, text = graphql_url_of(demo_stack), token_of(demo_stack), unique(THREADS)
    ext = apq(sha256(text))
    small = await send(url, token, query=text, variables={"n": 2}, extensions=ext)
    assert small.status == 200 and "errors" not in small.body, small.body

    await upstreams.reset()
    large = await send(url, token, variables={"n": 100}, extensions=ext)
    assert large.status == 400 and large.code == "QUERY_TOO_COMPLEX", large.body
    assert "data" not in large.body
    assert await upstreams.requests() == {"genesis": 0, "community": 0}


async def test_a_document_over_a_limit_is_not_registered(demo_stack: Any) -> None:
    url, token = graphql_url_of(demo_stack), token_of(demo_stack)
    text = unique("query { me { " + " ".join(f"a{i}: dodId" for i in range(31)) + " } }")
    ext = apq(sha256(text))
    refused = await send(url, token, query=text, extensions=ext)
    assert refused.status == 400 and refused.code == "QUERY_TOO_COMPLEX"
    assert (await send(url, token, extensions=ext)).code == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_document_with_string_literals_runs_but_is_not_shared(demo_stack: Any) -> None:
    """An inline DoD ID is user data: the store, shared by every user, never holds it."""
    url, token = graphql_url_of(demo_stack), token_of(demo_stack)
    text = unique(f'query {{ patient(dodId: "{P1_DODID}") {{ dodId }} }}')
    ext = apq(sha256(text))
    ran = await send(url, token, query=text, extensions=ext)
    assert ran.status == 200 and ran.body["data"]["patient"]["dodId"] == P1_DODID
    assert (await send(url, token, extensions=ext)).code == "PERSISTED_QUERY_NOT_FOUND"


async def test_the_audit_records_the_documents_sha256(demo_stack: Any, audit_log: AuditLog) -> None:
    url, token, text = graphql_url_of(demo_stack), token_of(demo_stack), unique(ME)
    ext = apq(sha256(text))
    assert (await send(url, token, query=text, extensions=ext)).status == 200
    request_id = new_request_id()
    hit = await send(url, token, extensions=ext, headers={"X-Request-Id": request_id})
    assert hit.status == 200
    rows = await audit_log.rows(request_id)
    assert [row["document_hash"] for row in rows] == [sha256(text)]


async def test_neither_query_nor_hash_is_a_bad_request(demo_stack: Any) -> None:
    answer = await send(graphql_url_of(demo_stack), token_of(demo_stack), extensions={})
    assert answer.status == 400 and answer.code == "BAD_REQUEST"


async def test_a_hash_only_request_still_needs_sign_in(demo_stack: Any) -> None:
    text = unique(ME)
    answer = await send(graphql_url_of(demo_stack), "not-a-token", extensions=apq(sha256(text)))
    assert answer.status == 401 and answer.code == "UNAUTHENTICATED"
