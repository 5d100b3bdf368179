"""No identity in, no identity out: analysts cannot learn who is enrolled, by answer or by timing."""

from __future__ import annotations

import base64
import math
import random
import time
from collections import Counter
from typing import Any

from tests.access.conftest import Ask, Upstreams, code
from tests.read.test_metrics import _upstream_counts
from tests.support.analysts import analyst_token, sealed_id, wait_for_mart
from tests.support.gql import gql

P1, P3, EXTRA = "1000000001", "1000000003", "2000000003"
UNKNOWN = ("1999999999", "0000000001", "2999999999")
BY_DOD_ID = "query($d: String!) { patient(dodId: $d) { dodId name { text } labResults(first: 1) { totalCount } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Patient { dodId } } }"


def _crafted(type_name: str, source: str, source_id: str) -> str:
    """An id made up the way the gateway encodes plain ids (analysts are never handed these)."""
    return base64.urlsafe_b64encode(f"{type_name}:{source}:{source_id}".encode()).decode().rstrip("=")


async def _quiet(demo_stack: Any, upstreams: Upstreams) -> tuple[Counter[tuple[str, str]], dict[str, int]]:
    await wait_for_mart(demo_stack)  # the mart's export (at the demo's start) is done: nothing else asks
    await upstreams.reset()
    return await _upstream_counts(demo_stack), await upstreams.requests()


async def test_patient_by_dod_id_answers_every_input_alike_and_asks_no_source(
    ask: Ask, demo_stack: Any, upstreams: Upstreams
) -> None:
    before, _ = await _quiet(demo_stack, upstreams)
    answers = []
    for value in (P1, P3, EXTRA, *UNKNOWN, "12345", "", "1000000001\n", "x" * 32):  # (longer: 400 for all)
        status, body = await ask("A1", BY_DOD_ID, {"d": value})
        assert status == 200 and code(body) == "FORBIDDEN", (value, body)
        answers.append(body)
    assert all(body == answers[0] for body in answers), answers
    assert await _upstream_counts(demo_stack) == before  # not GENESIS, the HIE nor the archive
    assert await upstreams.requests() == {"genesis": 0, "community": 0}


async def test_made_up_ids_of_patients_and_records_are_refused_unasked(
    ask: Ask, demo_stack: Any, upstreams: Upstreams
) -> None:
    _, lab = await ask("P1", "{ me { labResults(first: 1) { edges { node { id } } } } }")
    real_lab = lab["data"]["me"]["labResults"]["edges"][0]["node"]["id"]
    made_up = [_crafted("Patient", "DOD", d) for d in (P1, *UNKNOWN)]
    made_up += [real_lab, _crafted("LabResult", "GENESIS", "obs-nothing"), _crafted("Appointment", "TOL_ARCHIVE", "x")]
    made_up += ["a1." + "A" * 43, "a1.garbage"]
    before, _ = await _quiet(demo_stack, upstreams)
    answers = []
    for value in made_up:
        status, body = await ask("A1", NODE, {"id": value})
        assert status == 200 and code(body) == "FORBIDDEN" and body["data"] == {"node": None}, (value, body)
        answers.append(body)
    assert all(body == answers[0] for body in answers)
    assert await _upstream_counts(demo_stack) == before
    assert await upstreams.requests() == {"genesis": 0, "community": 0}


async def test_a_sealed_id_opens_the_patient_for_its_project_only(demo_stack: Any) -> None:
    p1 = await sealed_id(demo_stack, P1)
    _, mine = await gql(demo_stack, NODE, {"id": p1}, token=analyst_token(demo_stack))
    assert mine["data"]["node"]["id"] == p1 and mine["data"]["node"]["dodId"].startswith("anon-")
    _, theirs = await gql(demo_stack, NODE, {"id": p1}, token=analyst_token(demo_stack, "other-study"))
    assert code(theirs) == "FORBIDDEN"


async def test_analyst_tokens_must_name_a_well_formed_project(demo_stack: Any) -> None:
    for project in (None, "", "Has Spaces", "x" * 80, 7):
        token = analyst_token(demo_stack, None, **({} if project is None else {"mhs_project": project}))
        status, body = await gql(demo_stack, "{ __typename }", token=token)
        assert status == 401 and body["errors"][0]["extensions"]["reason"] == "TOKEN_CLAIMS_INVALID", project


async def test_analysts_sign_in_with_the_strong_authentication_clinicians_need(demo_stack: Any) -> None:
    for amr in (["pwd"], ["dslogon"], []):
        status, body = await gql(demo_stack, "{ __typename }", token=analyst_token(demo_stack, amr=amr))
        assert status == 401 and body["errors"][0]["extensions"]["reason"] == "STRONG_AUTH_REQUIRED", amr


def _ks_statistic(a: list[float], b: list[float]) -> float:
    """The two-sample Kolmogorov-Smirnov statistic: the widest gap between the two ECDFs."""
    points = sorted(a + b)
    gap = 0.0
    for x in points:
        fa = sum(v <= x for v in a) / len(a)
        fb = sum(v <= x for v in b) / len(b)
        gap = max(gap, abs(fa - fb))
    return gap


async def test_enrolled_and_unknown_dod_ids_take_the_same_time(ask: Ask) -> None:
    """Timed as pairs in random order; the two samples must look like one distribution."""
    rounds = 60
    enrolled: list[float] = []
    unknown: list[float] = []
    for _ in range(10):  # warm up both paths
        await ask("A1", BY_DOD_ID, {"d": P1})
        await ask("A1", BY_DOD_ID, {"d": UNKNOWN[0]})
    rng = random.Random(13)
    for i in range(rounds):
        pair = [(enrolled, (P1, P3, EXTRA)[i % 3]), (unknown, UNKNOWN[i % 3])]
        rng.shuffle(pair)
        for sample, dod_id in pair:
            started = time.perf_counter()
            _, body = await ask("A1", BY_DOD_ID, {"d": dod_id})
            sample.append(time.perf_counter() - started)
            assert code(body) == "FORBIDDEN"
    # Critical value of the KS statistic at alpha = 0.001 (c = 1.95): identical paths pass 999 in 1000.
    critical = 1.95 * math.sqrt(2 / rounds)
    assert _ks_statistic(enrolled, unknown) < critical, (sorted(enrolled)[rounds // 2], sorted(unknown)[rounds // 2])
