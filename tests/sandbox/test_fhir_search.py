"""Search semantics of the sandbox FHIR server: paging, sorting, dates, tokens, includes."""

from __future__ import annotations

import pytest

from .conftest import ACSN, DOD, Fhir, observation


async def test_read_returns_the_resource_with_its_version_and_404_when_unknown(fhir: Fhir) -> None:
    status, body, headers = await fhir.get("Patient/p1")
    assert (status, body["id"], headers["ETag"]) == (200, "p1", 'W/"1"')
    status, body, _ = await fhir.get("Patient/nobody")
    assert status == 404
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == "not-found"
    status, body, _ = await fhir.get("Spaceship/1")
    assert status == 404


async def test_binary_reads_as_json_or_as_its_own_content_type(fhir: Fhir) -> None:
    status, body, _ = await fhir.get("Binary/bin-1")
    assert (status, body["data"]) == (200, "aGVsbG8=")
    async with fhir.http.get(
        f"{fhir.server.base_url}/Binary/bin-1",
        headers={**fhir.headers, "Accept": "text/plain"},
    ) as response:
        assert await response.text() == "hello"


async def test_paging_with_count_and_next_visits_every_match_once(fhir: Fhir) -> None:
    for n in range(9, 40):
        fhir.server.store.put(observation(f"x{n:02d}", "p1", f"2022-01-{n % 28 + 1:02d}"))
    expected = await fhir.search_ids("Observation", {"patient": "p1", "_count": "200"})
    seen: list[str] = []
    status, page, _ = await fhir.get("Observation", {"patient": "p1", "_count": "7", "_sort": "-date"})
    pages = 0
    while True:
        assert status == 200
        assert len(page["entry"]) <= 7
        seen.extend(e["resource"]["id"] for e in page["entry"])
        pages += 1
        nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
        if not nxt:
            break
        status, page, _ = await fhir.get(nxt[0])
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(set(seen)) == 37
    assert pages == 6
    again = await fhir.search_ids("Observation", {"patient": "p1", "_count": "200", "_sort": "-date"})
    assert seen == again


async def test_count_defaults_to_50_and_is_capped_at_200(fhir: Fhir) -> None:
    for n in range(250):
        fhir.server.store.put(observation(f"bulk{n}", "p3", "2021-05-05"))
    assert len(await fhir.search_ids("Observation", {"patient": "p3"})) == 50
    assert len(await fhir.search_ids("Observation", {"patient": "p3", "_count": "1000"})) == 200


async def test_sort_by_date_descending_breaks_ties_by_id(fhir: Fhir) -> None:
    ids = await fhir.search_ids("Observation", {"patient": "p1", "_sort": "-date"})
    assert ids == ["o5", "o4", "o3", "o2", "o1", "o6"]
    ids = await fhir.search_ids("Observation", {"patient": "p1", "_sort": "date"})
    assert ids == ["o6", "o1", "o2", "o3", "o4", "o5"]
    ids = await fhir.search_ids("Observation", {"patient": "p1", "_sort": "code,-_id"})
    assert ids == ["o6", "o5", "o4", "o2", "o1", "o3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-05", {"o1"}),  # o2 is the 5th locally but the 6th in UTC
        ("eq2024-01", {"o1", "o2"}),
        ("2024", {"o1", "o2", "o3", "o4", "o5"}),
        ("ge2024-02-10", {"o3", "o4", "o5"}),
        ("gt2024-02-10", {"o4", "o5"}),
        ("le2024-01-06", {"o6", "o1", "o2"}),
        ("lt2024-01-06", {"o6", "o1"}),
        ("lt2024-03-01T12:00:00Z", {"o6", "o1", "o2", "o3"}),
        ("le2024-03-01T12:00:00Z", {"o6", "o1", "o2", "o3", "o4", "o5"}),
        ("ge2024-01-05T14:00:00+00:00", {"o1", "o2", "o3", "o4", "o5"}),
        ("gt2024-01-05T09:00:00-05:00", {"o2", "o3", "o4", "o5"}),
    ],
)
async def test_date_prefixes_and_partial_dates(fhir: Fhir, value: str, expected: set[str]) -> None:
    ids = await fhir.search_ids("Observation", {"patient": "p1", "date": value})
    assert set(ids) == expected


async def test_two_date_params_make_a_range(fhir: Fhir) -> None:
    params = [("patient", "p1"), ("date", "ge2024-01-01"), ("date", "lt2024-03-01")]
    assert set(await fhir.search_ids("Observation", params)) == {"o1", "o2", "o3"}


async def test_comma_separated_values_are_ored(fhir: Fhir) -> None:
    ids = await fhir.search_ids("Observation", {"patient": "p1,Patient/p2", "code": "718-7"})
    assert set(ids) == {"o3", "o8"}
    assert set(await fhir.search_ids("Observation", {"_id": "o1,o7,nope"})) == {"o1", "o7"}


async def test_token_params_with_system_and_value(fhir: Fhir) -> None:
    assert await fhir.search_ids("Patient", {"identifier": f"{DOD}|1000000001"}) == ["p1"]
    assert await fhir.search_ids("Patient", {"identifier": "other-system|1000000001"}) == []
    assert await fhir.search_ids("Patient", {"identifier": "1000000002"}) == ["p2"]
    assert await fhir.search_ids("Observation", {"identifier": f"{ACSN}|shared-1"}) == ["o7"]
    assert await fhir.search_ids("Observation", {"identifier": "|shared-1"}) == []
    assert len(await fhir.search_ids("Observation", {"code": "http://loinc.org|"})) == 8
    assert await fhir.search_ids("Patient", {"gender": "female"}) == ["p1"]


async def test_string_params_match_prefixes_without_case(fhir: Fhir) -> None:
    assert set(await fhir.search_ids("Patient", {"family": "oka"})) == {"p2", "p3"}
    assert set(await fhir.search_ids("Patient", {"name": "ANA"})) == {"p1"}
    assert await fhir.search_ids("Patient", {"family:exact": "oka"}) == []


async def test_total_only_when_asked_and_summary_count_has_no_entries(fhir: Fhir) -> None:
    _, body, _ = await fhir.get("Observation", {"patient": "p1", "_count": "2"})
    assert "total" not in body
    _, body, _ = await fhir.get("Observation", {"patient": "p1", "_count": "2", "_total": "accurate"})
    assert (body["total"], len(body["entry"])) == (6, 2)
    _, body, _ = await fhir.get("Observation", {"patient": "p1", "_summary": "count"})
    assert body["total"] == 6
    assert not body.get("entry")


async def test_unknown_params_are_400_unless_lenient(fhir: Fhir) -> None:
    status, body, _ = await fhir.get("Observation", {"patient": "p1", "colour": "blue"})
    assert status == 400
    assert body["resourceType"] == "OperationOutcome"
    status, body, _ = await fhir.get(
        "Observation", {"patient": "p1", "colour": "blue"}, headers={"Prefer": "handling=lenient"}
    )
    assert status == 200
    assert len(body["entry"]) == 6
    _, first, _ = await fhir.get(
        "Observation",
        {"patient": "p1", "colour": "blue", "_count": "4"},
        headers={"Prefer": "handling=lenient"},
    )
    (next_url,) = [link["url"] for link in first["link"] if link["relation"] == "next"]
    status, second, _ = await fhir.get(next_url)
    assert (status, len(second["entry"])) == (200, 2)
    assert (await fhir.get("Observation", {"date": "yesterday"}))[0] == 400
    assert (await fhir.get("Observation", {"_count": "many"}))[0] == 400
    assert (await fhir.get("Observation", {"_page": "not-a-token"}))[0] == 400


async def test_include_and_revinclude_add_entries_marked_include(fhir: Fhir) -> None:
    _, body, _ = await fhir.get(
        "MedicationRequest",
        {"patient": "p1", "_revinclude": "MedicationDispense:prescription"},
    )
    modes = {(e["resource"]["id"], e["search"]["mode"]) for e in body["entry"]}
    assert modes == {("rx-1", "match"), ("md-1", "include"), ("md-2", "include")}
    _, body, _ = await fhir.get(
        "Observation",
        {"_id": "o1,o3", "_include": "Observation:patient", "_sort": "_id"},
    )
    entries = [(e["resource"]["resourceType"], e["search"]["mode"]) for e in body["entry"]]
    assert entries == [("Observation", "match"), ("Observation", "match"), ("Patient", "include")]
    status, _, _ = await fhir.get("Observation", {"_include": "Observation:code"})
    assert status == 400


async def test_post_search_with_a_form_body_equals_get(fhir: Fhir) -> None:
    status, body, _ = await fhir.call("POST", "Observation/_search", data={"patient": "p2", "_sort": "date"})
    assert status == 200
    assert [e["resource"]["id"] for e in body["entry"]] == ["o7", "o8"]


async def test_elements_trims_resources(fhir: Fhir) -> None:
    _, body, _ = await fhir.get("Observation", {"_id": "o1", "_elements": "status"})
    resource = body["entry"][0]["resource"]
    assert resource["status"] == "final"
    assert "subject" not in resource


async def test_appointments_search_by_patient_participant_date_and_category(fhir: Fhir) -> None:
    category = "http://terminology.hl7.org/CodeSystem/service-category"
    fhir.server.store.put(
        {
            "resourceType": "Appointment",
            "id": "ap-1",
            "status": "booked",
            "start": "2030-06-01T09:00:00-04:00",
            "serviceCategory": [{"coding": [{"system": category, "code": "10"}]}],
            "participant": [
                {"actor": {"reference": "Patient/p1"}, "status": "accepted"},
                {"actor": {"reference": "Location/loc-bragg"}, "status": "accepted"},
            ],
        }
    )
    params = {"patient": "p1", "date": "ge2030-06-01", "service-category": f"{category}|10"}
    assert await fhir.search_ids("Appointment", params) == ["ap-1"]
    assert await fhir.search_ids("Appointment", {"patient": "p2"}) == []
