"""`Patient/$match` grading on the sandbox FHIR server."""

from __future__ import annotations

from typing import Any

import aiohttp

from sandbox.fhir import MATCH_GRADE_URL

from .conftest import Fhir, get_token, patient, start_server


def parameters(query: dict[str, Any], **extra: Any) -> dict[str, Any]:
    params: list[dict[str, Any]] = [{"name": "resource", "resource": query}]
    if "only_certain" in extra:
        params.append({"name": "onlyCertainMatches", "valueBoolean": extra["only_certain"]})
    return {"resourceType": "Parameters", "parameter": params}


async def match(fhir: Fhir, query: dict[str, Any], **extra: Any) -> list[tuple[str, str, float]]:
    status, body, _ = await fhir.call("POST", "Patient/$match", json_body=parameters(query, **extra))
    assert status == 200, body
    out = []
    for entry in body.get("entry", []):
        assert entry["search"]["mode"] == "match"
        (grade,) = [x["valueCode"] for x in entry["search"]["extension"] if x["url"] == MATCH_GRADE_URL]
        out.append((entry["resource"]["id"], grade, entry["search"]["score"]))
    return out


def query(family: str, given: str, birth: str | None, gender: str | None) -> dict[str, Any]:
    resource = patient("q", family, given, birth or "", gender or "")
    del resource["id"]
    if birth is None:
        del resource["birthDate"]
    if gender is None:
        del resource["gender"]
    return resource


async def test_same_name_birth_date_and_gender_is_certain_below_one(fhir: Fhir) -> None:
    results = await match(fhir, query("Okafor", "Ben", "1960-01-30", "male"))
    assert results[0][:2] == ("p2", "certain")
    assert 0.95 <= results[0][2] < 1.0


async def test_same_name_other_birth_date_is_never_certain_or_probable(fhir: Fhir) -> None:
    results = await match(fhir, query("Okafor", "Ben", "1960-01-30", "male"))
    p3 = [r for r in results if r[0] == "p3"]
    assert all(grade == "possible" and score <= 0.5 for _, grade, score in p3)


async def test_a_slightly_different_given_name_is_probable(fhir: Fhir) -> None:
    results = await match(fhir, query("Okafor", "Benn", "1960-01-30", "male"))
    assert results[0] == ("p2", "probable", 0.8)


async def test_a_name_alone_is_never_more_than_possible(fhir: Fhir) -> None:
    results = await match(fhir, query("Rivera", "Ana", None, None))
    assert results
    assert all(grade == "possible" for _, grade, _ in results)


async def test_only_certain_matches_drops_the_rest(fhir: Fhir) -> None:
    assert await match(fhir, query("Okafor", "Ben", "1999-09-09", "male"), only_certain=True) == []
    results = await match(fhir, query("Okafor", "Ben", "1960-01-30", "male"), only_certain=True)
    assert [r[0] for r in results] == ["p2"]


async def test_an_unrelated_patient_is_not_returned(fhir: Fhir) -> None:
    assert await match(fhir, query("Zed", "Nobody", "1960-01-30", "male")) == []


async def test_match_needs_a_patient(fhir: Fhir) -> None:
    status, body, _ = await fhir.call(
        "POST", "Patient/$match", json_body={"resourceType": "Parameters", "parameter": []}
    )
    assert (status, body["resourceType"]) == (400, "OperationOutcome")


async def test_match_is_404_unless_enabled(
    http: aiohttp.ClientSession, client_key: tuple[str, dict[str, Any], str]
) -> None:
    server = await start_server(client_key)
    try:
        fhir = Fhir(server, http, await get_token(http, server, client_key))
        body = parameters(query("Okafor", "Ben", "1960-01-30", "male"))
        assert (await fhir.call("POST", "Patient/$match", json_body=body))[0] == 404
    finally:
        await server.stop()


async def test_a_patient_stored_after_a_match_is_graded_by_the_next(fhir: Fhir) -> None:
    ben = query("Okafor", "Ben", "1960-01-30", "male")
    assert [r[0] for r in await match(fhir, ben)] == ["p2", "p3"]
    fhir.server.store.put(patient("p4", "Okafor-Reyes", "Ben", "1960-01-30", "male"))
    fhir.server.store.put({**patient("p2", "Eze", "Ben", "1960-01-30", "male")})
    assert [r[:2] for r in await match(fhir, ben)] == [("p4", "certain"), ("p3", "possible")]
