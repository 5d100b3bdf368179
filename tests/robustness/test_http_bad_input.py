"""Bad input at /graphql, one row a case: never a 500 or a stack trace, always a stable code.

Every row: the answer is 4xx or 200 with a GraphQL-shaped JSON body whose errors all carry
`extensions.code`, nothing of a traceback or an upstream body shows, and the gateway answers
the next request. `expect` pins the status and first code where the answer is decided.
"""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.robustness.conftest import assert_clean, assert_still_answers, send

pytestmark = pytest.mark.asyncio(loop_scope="session")

DEEP = 100_000  # nesting far past Python's recursion limit


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


def q(query: str, **extra: Any) -> bytes:
    return body({"query": query, **extra})


def b64(raw: str | bytes) -> str:
    data = raw.encode() if isinstance(raw, str) else raw
    return base64.urlsafe_b64encode(data).decode()


LABS = "query($f: Int, $a: String, $from: DateTime, $to: DateTime) { me { labResults(first: $f, after: $a, from: $from, to: $to) { totalCount edges { cursor } } } }"  # noqa: E501
PATIENT_LABS = 'query($a: String) { patient(dodId: "1000000001") { labResults(first: 2, after: $a) { totalCount } } }'
NODE = "query($id: ID!) { node(id: $id) { id } }"
TOPICS = "query($s: String) { healthTopics(search: $s) { id } }"
SLOTS = "query($a: DateTime!, $b: DateTime!) { availableSlots(service: DENTAL, from: $a, to: $b) { id } }"


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes | None = None
    method: str = "POST"
    params: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/json"
    persona: str = "P1"
    expect: tuple[int, str | None] | None = None  # (status, first error code); None: any clean answer


def labs(persona: str = "P1", **variables: Any) -> bytes:
    return q(LABS if persona != "A1" else PATIENT_LABS, variables=variables)


CASES = [
    Case("baseline", q("{ me { dodId } }"), expect=(200, None)),
    # --- the body as JSON -------------------------------------------------------------------
    Case("malformed JSON", b'{"query":', expect=(400, "BAD_REQUEST")),
    Case("empty body", b"", expect=(400, "BAD_REQUEST")),
    Case("batched array", body([{"query": "{ me { dodId } }"}]), expect=(400, "BAD_REQUEST")),
    Case("top-level number", b"5", expect=(400, "BAD_REQUEST")),
    Case("top-level null", b"null", expect=(400, "BAD_REQUEST")),
    Case("top-level string", b'"{ me { dodId } }"', expect=(400, "BAD_REQUEST")),
    Case("query is a number", body({"query": 5}), expect=(400, "BAD_REQUEST")),
    Case("query is an array", body({"query": ["{ me { dodId } }"]}), expect=(400, "BAD_REQUEST")),
    Case("query is an object", body({"query": {"a": 1}}), expect=(400, "BAD_REQUEST")),
    Case("query is null", body({"query": None}), expect=(400, "BAD_REQUEST")),
    Case("variables is an array", q("{ me { dodId } }", variables=[1]), expect=(400, "BAD_REQUEST")),
    Case("variables is a string", q("{ me { dodId } }", variables="{}"), expect=(400, "BAD_REQUEST")),
    Case("variables is a number", q("{ me { dodId } }", variables=7), expect=(400, "BAD_REQUEST")),
    Case("operationName is a number", q("{ me { dodId } }", operationName=5), expect=(400, "BAD_REQUEST")),
    Case("operationName is nested", q("{ me { dodId } }", operationName={"a": []}), expect=(400, "BAD_REQUEST")),
    Case("operationName unknown", q("{ me { dodId } }", operationName="Nope"),
         expect=(400, "GRAPHQL_VALIDATION_FAILED")),
    Case("extensions is an array", q("{ me { dodId } }", extensions=[1]), expect=(400, "BAD_REQUEST")),
    Case("persistedQuery is a number", q("{ me { dodId } }", extensions={"persistedQuery": 5}),
         expect=(400, "BAD_REQUEST")),
    Case("persistedQuery hash nested", q("{ me { dodId } }", extensions={
        "persistedQuery": {"version": 1, "sha256Hash": {"a": 1}}}), expect=(400, "BAD_REQUEST")),
    Case("persistedQuery huge version", body({"extensions": {
        "persistedQuery": {"version": 2**70, "sha256Hash": "a" * 64}}}), expect=(400, "BAD_REQUEST")),
    Case("persistedQuery version true", body({"extensions": {
        "persistedQuery": {"version": True, "sha256Hash": "a" * 64}}}), expect=(400, "BAD_REQUEST")),
    Case("duplicate keys", b'{"query": "{ me { dodId } }", "query": "{ __typename }"}', expect=(200, None)),
    Case("deeply nested body", b'{"query": "{ me { dodId } }", "variables": {"a": ' + b"[" * DEEP + b"]" * DEEP
         + b"}}", expect=(400, "BAD_REQUEST")),
    Case("deeply nested object", b'{"x":' * DEEP + b"1" + b"}" * DEEP, expect=(400, "BAD_REQUEST")),
    Case("5000-digit number", b'{"query": "{ me { dodId } }", "variables": {"a": ' + b"9" * 5000 + b"}}",
         expect=(400, "BAD_REQUEST")),
    Case("NaN is not JSON", b'{"query": "{ me { dodId } }", "variables": {"a": NaN}}', expect=(400, "BAD_REQUEST")),
    Case("Infinity for first", b'{"query": "query($f: Int) { me { labResults(first: $f) { totalCount } } }",'
         b' "variables": {"f": -Infinity}}', expect=(400, "BAD_REQUEST")),
    # --- text that cannot be stored: NUL and lone surrogates ----------------------------------
    Case("lone surrogate in query", b'{"query": "{ me { dodId } } # \\ud800"}', expect=(400, "BAD_REQUEST")),
    Case("lone surrogate in variables", b'{"query": "' + LABS.replace('"', '\\"').encode()
         + b'", "variables": {"from": "\\udfff"}}', expect=(400, "BAD_USER_INPUT")),
    Case("lone surrogate in operationName", b'{"query": "{ me { dodId } }", "operationName": "\\ud800"}',
         expect=(400, "BAD_REQUEST")),
    Case("lone surrogate as a variables key", b'{"query": "{ me { dodId } }", "variables": {"\\ud800": 1}}',
         expect=(400, "BAD_USER_INPUT")),
    Case("lone surrogate in extensions", b'{"query": "{ me { dodId } }", "extensions": {"x": ["\\udc00"]}}',
         expect=(400, "BAD_REQUEST")),
    Case("surrogate pair is fine", b'{"query": "{ me { dodId } } # \\ud83d\\ude00"}', expect=(200, None)),
    Case("NUL in the query text", body({"query": "{ me { dodId } }\x00"}), expect=(400, "GRAPHQL_PARSE_FAILED")),
    Case("NUL in a variable", q(TOPICS, variables={"s": "a\x00"}), expect=(400, "BAD_USER_INPUT")),
    Case("NUL in a string literal", q('{ healthTopics(search: "\\u0000") { id } }'), expect=(400, "BAD_USER_INPUT")),
    Case("NUL in a lab code (TOL)", q("query($c: String) { me { labResults(code: $c) { totalCount } } }",
                                      variables={"c": "x\x00"}), expect=(400, "BAD_USER_INPUT")),
    Case("unicode everywhere", q("query Ünïcødé($s: String) { healthTopics(search: $s) { id } } # 💉",
                                 variables={"s": "血压 \u202e\u0301 💊"}), expect=(400, "GRAPHQL_PARSE_FAILED")),
    Case("unicode in values", q(TOPICS, variables={"s": "血压 \u202e\u0301 💊"}), expect=(200, None)),
    # --- media types and encodings ------------------------------------------------------------
    Case("charset=latin-1 (ASCII body)", q("{ me { dodId } }"), content_type="application/json; charset=latin-1",
         expect=(200, None)),
    Case("charset=latin-1 (latin-1 body)", '{"query": "{ me { dodId } } # café"}'.encode("latin-1"),
         content_type="application/json; charset=latin-1", expect=(400, "BAD_REQUEST")),
    Case("gzip Content-Encoding", gzip.compress(q("{ me { dodId } }")), headers={"Content-Encoding": "gzip"},
         expect=(415, "UNSUPPORTED_MEDIA_TYPE")),
    Case("no Content-Type", q("{ me { dodId } }"), content_type=None, expect=(415, "UNSUPPORTED_MEDIA_TYPE")),
    Case("text/plain", q("{ me { dodId } }"), content_type="text/plain", expect=(415, "UNSUPPORTED_MEDIA_TYPE")),
    Case("form", b"query=%7B%7D", content_type="application/x-www-form-urlencoded",
         expect=(415, "UNSUPPORTED_MEDIA_TYPE")),
    Case("Accept XML only", q("{ me { dodId } }"), headers={"Accept": "application/xml"},
         expect=(406, "NOT_ACCEPTABLE")),
    Case("break-glass reason too long", q("{ me { dodId } }"), headers={"X-Break-Glass-Reason": "x" * 600},
         expect=(400, "BAD_USER_INPUT")),
    Case("bad token", q("{ me { dodId } }"), headers={"Authorization": "Bearer " + "x" * 20_000},
         expect=(401, "UNAUTHENTICATED")),
    # --- methods and GET ----------------------------------------------------------------------
    Case("PUT", q("{ me { dodId } }"), method="PUT", expect=(405, "METHOD_NOT_ALLOWED")),
    Case("DELETE", None, method="DELETE", expect=(405, "METHOD_NOT_ALLOWED")),
    Case("PATCH", q("{ me { dodId } }"), method="PATCH", expect=(405, "METHOD_NOT_ALLOWED")),
    Case("OPTIONS without CORS preflight", None, method="OPTIONS", expect=(405, "METHOD_NOT_ALLOWED")),
    Case("TRACE", None, method="TRACE", expect=(405, "METHOD_NOT_ALLOWED")),
    Case("HEAD", None, method="HEAD", content_type=None),
    Case("GET", method="GET", params={"query": "{ me { dodId } }"}, content_type=None, expect=(200, None)),
    Case("GET repeated query", method="GET", params=[("query", "{ me { dodId } }"), ("query", "{ __typename }")],
         content_type=None),
    Case("GET variables not an object", method="GET", params={"query": "{ me { dodId } }", "variables": "[1]"},
         content_type=None, expect=(400, "BAD_REQUEST")),
    Case("GET variables not JSON", method="GET", params={"query": "{ me { dodId } }", "variables": "{"},
         content_type=None, expect=(400, "BAD_REQUEST")),
    Case("GET variables nested deep", method="GET",
         params={"query": "{ me { dodId } }", "variables": "[" * 5000 + "]" * 5000},
         content_type=None, expect=(400, "BAD_REQUEST")),
    Case("GET lone surrogate in variables", method="GET",
         params={"query": TOPICS, "variables": '{"s": "\\ud800"}'}, content_type=None,
         expect=(400, "BAD_USER_INPUT")),
    Case("GET mutation", method="GET", params={"query": "mutation { __typename }"}, content_type=None,
         expect=(405, "METHOD_NOT_ALLOWED")),
    Case("GET nothing", method="GET", content_type=None, expect=(400, "BAD_REQUEST")),
    Case("operationName of a megabyte", q("{ me { dodId } }", operationName="a" * 900_000),
         expect=(400, "GRAPHQL_VALIDATION_FAILED")),
    # analysts are refused every DoD ID alike, malformed or not (no identity in)
    *[Case(f"{persona} dodId {value!r}", q("query($d: String!) { patient(dodId: $d) { dodId } }",
                                            variables={"d": value}), persona=persona,
           expect=(200, "BAD_USER_INPUT" if persona == "C1" else "FORBIDDEN"))
      for persona in ("A1", "C1") for value in (
          "1000000001\n", "\u0661" * 10, "\uff11" * 10, " 1000000001", "", "100000000\u00b9")],
    *[Case(f"{persona} dodId of 100,000 digits", q("query($d: String!) { patient(dodId: $d) { dodId } }",
                                                     variables={"d": "1" * 100_000}), persona=persona,
           expect=(400, "BAD_USER_INPUT"))  # over the argument's bound: refused before anything runs
      for persona in ("A1", "C1")],
    # --- first --------------------------------------------------------------------------------
    # over the page size, whatever the size and form: one code, refused before anything runs
    Case("first 2**63 (variable)", labs(f=2**63), expect=(400, "BAD_USER_INPUT")),
    Case("first 2**31 (variable)", labs(f=2**31), expect=(400, "BAD_USER_INPUT")),
    Case("first 2**63 (literal)", q("{ me { labResults(first: 9223372036854775808) { totalCount } } }"),
         expect=(400, None)),
    Case("first -1", labs(f=-1), expect=(400, "BAD_USER_INPUT")),
    Case("first 0", labs(f=0), expect=(200, None)),
    Case("first 101", labs(f=101), expect=(400, "BAD_USER_INPUT")),
    Case("first 101.0", labs(f=101.0), expect=(400, "BAD_USER_INPUT")),
    Case("first 2**30", labs(f=2**30), expect=(400, "BAD_USER_INPUT")),
    Case("first 1.5", labs(f=1.5), expect=(400, "BAD_USER_INPUT")),
    Case("first '5'", labs(f="5"), expect=(400, "BAD_USER_INPUT")),
    Case("first true", labs(f=True), expect=(400, "BAD_USER_INPUT")),
    # --- DateTime -----------------------------------------------------------------------------
    *[Case(f"DateTime {value!r}", labs(f=1, **{"from": value}), expect=(400, "BAD_USER_INPUT")) for value in (
        "2026-13-45T00:00:00Z", "yesterday", "2026-01-01T00:00:00+25:00", "2016-12-31T23:59:60Z", "",
        "2026-01-01T00:00:00\x01Z", 12345, ["2026-01-01T00:00:00Z"], "1" * 10_000,
        # local times that are no instant in UTC (past year 9999 or before year 1)
        "9999-12-31T23:59:59-23:59", "9999-12-31T23:30:00-01:00", "0001-01-01T00:00:00+14:00",
    )],
    Case("DateTime out of UTC range (literal)",
         q('{ me { labResults(from: "0001-01-01T00:00:00+01:00") { totalCount } } }'),
         expect=(400, "BAD_USER_INPUT")),
    Case("DateTime at the end of time", labs(f=1, **{"from": "9999-12-31T23:59:59Z"}), expect=(200, None)),
    Case("DateTime at the end of time (to)", labs(f=1, to="9999-12-31T23:59:59.999999+00:00"), expect=(200, None)),
    Case("DateTime at the start of time", labs(f=1, **{"from": "0001-01-01T00:00:00Z"}), expect=(200, None)),
    Case("slots at the end of time", q(SLOTS, variables={"a": "9999-12-31T00:00:00Z", "b": "9999-12-31T23:59:59Z"}),
         expect=(200, None)),
    Case("slots window out of UTC range", q(SLOTS, variables={"a": "9999-12-31T00:00:00-10:00",
                                                              "b": "9999-12-31T23:59:59-10:00"}),
         expect=(400, "BAD_USER_INPUT")),
    Case("slots without offset", q(SLOTS, variables={"a": "2026-12-01T00:00:00", "b": "2026-12-02T00:00:00"}),
         expect=(200, "BAD_USER_INPUT")),
    # --- ids ----------------------------------------------------------------------------------
    *[Case(f"node id {name}", q(NODE, variables={"id": value})) for name, value in (
        ("empty", ""), ("junk", "!!!!"), ("long", "a" * 200_000), ("binary", b64(b"\xff\xfe\x00\x01")),
        ("no source id", b64("LabResult:GENESIS:")), ("unknown source", b64("LabResult:NOPE:1")),
        ("NUL inside", b64("LabResult:GENESIS:\x00")), ("long source id", b64("LabResult:GENESIS:" + "9" * 5000)),
        ("unknown type", b64("Nope:GENESIS:1")), ("path-like", b64("Facility:GENESIS:../../etc")),
        ("query-like", b64("LabResult:GENESIS:a/b?c=d#e")), ("SQL-like", b64("MessageThread:TOL_ARCHIVE:1 OR 1=1")),
        ("library junk", b64("HealthTopic:LIBRARY:-1")), ("padding only", "===="),
        ("unicode", b64("Appointment:GENESIS:é中")), ("lone surrogate bytes", b64(b"LabResult:GENESIS:\xed\xa0\x80")),
    )],
    Case("node id of the wrong JSON type", q(NODE, variables={"id": {"a": 1}}), expect=(400, "BAD_USER_INPUT")),
    Case("node id null", q(NODE, variables={"id": None}), expect=(400, "BAD_USER_INPUT")),
    # --- cursors (a patient's signed ones, an analyst's sealed ones) ---------------------------
    *[Case(f"{persona} cursor {name}", labs(persona, f=2, a=value) if persona == "P1" else labs(persona, a=value),
           persona=persona)
      for persona in ("P1", "A1") for name, value in (
          ("junk", "x"), ("long", "a" * 200_000), ("binary", b64(b"\xff\xfe")), ("JSON array", b64("[]")),
          ("JSON null", b64("null")), ("wrong shape", b64('{"b":1,"s":2}')), ("huge exponent", b64("1e999999")),
          ("nested arrays", b64("[" * 5000 + "]" * 5000)), ("nested objects", b64('{"b":' * 3000 + "1" + "}" * 3000)),
          ("sealed junk", "s1.AAAA"), ("sealed zeros", "s1." + b64(b"\x00" * 40)), ("unicode", "游标"),
      )],
    # --- strings that reach the gateway's own store and TOL -----------------------------------
    Case("topic search of wildcards", q(TOPICS, variables={"s": "%_" * 100}), expect=(200, None)),
    Case("topic search of 60,000 wildcards", q(TOPICS, variables={"s": "%_" * 30_000}), expect=(400, "BAD_USER_INPUT")),
    Case("lab code with FHIR separators", q("query($c: String) { me { labResults(code: $c) { totalCount } } }",
                                            variables={"c": "a|b,c$d&e=f"}), expect=(200, None)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_bad_input_gets_a_clean_answer(case: Case, demo_stack: Any) -> None:
    url = demo_stack.info()["graphql_url"]
    tokens = demo_stack.info()["tokens"]
    token = tokens[case.persona] if "Authorization" not in case.headers else None
    answer = await send(url, token, method=case.method, body=case.body, params=case.params,
                        headers=case.headers, content_type=case.content_type)
    assert_clean(answer, method=case.method)
    assert len(answer.text) < 20_000, "the answer echoes the input back at length"
    if case.expect is not None:
        status, code = case.expect
        assert answer.status == status, answer
        if code is not None:
            assert answer.codes()[:1] == [code], answer
        elif status == 200:
            assert "errors" not in answer.json(), answer
    await assert_still_answers(url, tokens["P1"])
