"""The store's search indexes: they answer as testing every resource would, and follow every write."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from sandbox.data import generate
from sandbox.fhir.filters import codes_of, satisfies, strings_of
from sandbox.fhir.params import SEARCH_PARAMS, SearchParam
from sandbox.fhir.paths import reference_key, values_at
from sandbox.fhir.query import parse_query
from sandbox.fhir.search import find
from sandbox.fhir.store import ResourceStore

from .conftest import Fhir, patient

Resource = dict[str, Any]


@pytest.fixture(scope="module")
def data() -> list[Resource]:
    demo = generate(today=dt.date(2026, 12, 3))
    return [*demo.genesis, *demo.community]


def _values(resources: list[Resource], param: SearchParam) -> set[str]:
    """Search values a parameter could be given, drawn from what the resources hold."""
    out: set[str] = set()
    for resource in resources[:40]:
        for value in (v for p in param.paths for v in values_at(resource, p)):
            if param.kind == "reference" and (key := reference_key(value)) is not None:
                out |= {f"{key[0]}/{key[1]}", key[1], f"Other/{key[1]}"}
            elif param.kind == "token":
                for system, code in codes_of(value):
                    out |= {code, f"{system}|{code}", f"|{code}", f"other|{code}", f"{system}|"}
            elif param.kind == "string":
                out |= {s for text in strings_of(value) for s in (text, text[:2].lower(), text[1:3], text.upper())}
    return out


def _modifiers(param: SearchParam) -> tuple[str, ...]:
    return {"string": ("", ":exact", ":contains"), "token": ("", ":not")}.get(param.kind, ("",))


def test_indexed_searches_find_what_testing_every_resource_finds(data: list[Resource]) -> None:
    store = ResourceStore(data)
    checked = 0
    for rtype in store.types():
        params = SEARCH_PARAMS.get(rtype, {})
        resources = store.all(rtype)
        for param in (p for p in params.values() if p.kind in ("reference", "token", "string")):
            for value in sorted(_values(resources, param)):
                for modifier in _modifiers(param):
                    query = parse_query(rtype, [(param.name + modifier, value)], lenient=True)
                    expected = [r for r in resources if all(satisfies(r, c) for c in query.criteria)]
                    assert find(store, query) == expected, (rtype, param.name + modifier, value)
                    checked += 1
    assert checked > 1000


def test_two_indexed_criteria_are_both_applied(data: list[Resource]) -> None:
    store = ResourceStore(data)
    subjects = Counter(r["subject"]["reference"] for r in store.all("Observation"))
    subject = subjects.most_common(1)[0][0]
    mine = find(store, parse_query("Observation", [("patient", subject)]))
    coding = mine[0]["code"]["coding"][0]
    query = parse_query("Observation", [("patient", subject), ("code", f"{coding['system']}|{coding['code']}")])
    expected = [r for r in store.all("Observation") if all(satisfies(r, c) for c in query.criteria)]
    assert expected and find(store, query) == expected
    assert len(expected) < len(mine)


async def test_a_written_resource_is_found_by_the_searches_that_came_before(fhir: Fhir) -> None:
    await fhir.search_ids("Task", {"patient": "p1"})  # the indexes exist before the writes
    await fhir.search_ids("Patient", {"family": "Zed"})
    task = {"resourceType": "Task", "status": "requested", "intent": "order", "for": {"reference": "Patient/p1"}}
    status, created, _ = await fhir.call("POST", "Task", json_body=task)
    assert status == 201
    assert await fhir.search_ids("Task", {"patient": "p1"}) == [created["id"]]
    moved = {**task, "id": created["id"], "for": {"reference": "Patient/p2"}, "status": "accepted"}
    assert (await fhir.call("PUT", f"Task/{created['id']}", json_body=moved))[0] == 200
    assert await fhir.search_ids("Task", {"patient": "p1"}) == []
    assert await fhir.search_ids("Task", {"patient": "p2", "status": "accepted"}) == [created["id"]]
    fhir.server.store.put(patient("pz", "Zedd", "Ann", "1990-01-01", "female"))
    assert await fhir.search_ids("Patient", {"family": "zed"}) == ["pz"]
