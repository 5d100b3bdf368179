"""Analysts get de-identified answers, field by field, for every leaf field the schema serves."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import re
from typing import Any

import asyncpg
import pytest
from graphql import (
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
    is_list_type,
    is_object_type,
)

from gateway.app import create_app
from resolvers.deid import Projects
from resolvers.deid.policy import POLICY, Treatment, rule_of
from schema import build_schema
from schema.extensions.deidentify import REDACTED
from tests.access.conftest import Ask, code
from tests.support.analysts import ANALYST_PROJECT, analyst_token, project_pseudonym, sealed_id, wait_for_mart
from tests.support.gql import gql
from tests.support.servers import serve

P1, P2, ELDER = "1000000001", "1000000002", "2000000010"  # the extra born in 1924
REDACTIONS: tuple[Any, ...] = (REDACTED, None, [], 0.0, False)
NOT_FOR_ANALYSTS = {"Slot", "UserError"}  # reached only through patients' own queries and mutations
NOT_PATIENT_DATA = {"HealthTopic", "Questionnaire", "QuestionnaireItem", "SourceCoverage", "UserError"}
ANON = re.compile(r"^anon-[0-9a-f]{24}$")
SEALED_ID = re.compile(r"^a1\.[A-Za-z0-9_-]{43}$")
YEAR = re.compile(r"^\d{4}$")
FINER_THAN_A_YEAR = re.compile(r"\d{4}-\d{2}|\d{2}:\d{2}")


@pytest.fixture(scope="module")
def served() -> GraphQLSchema:
    return build_schema()._schema


def _leaves(schema: GraphQLSchema) -> dict[str, Any]:
    """Every leaf field of every object type the schema serves, by `Type.field`."""
    return {
        f"{t.name}.{name}": field
        for t in schema.type_map.values()
        if is_object_type(t) and not t.name.startswith("__")
        for name, field in t.fields.items()  # type: ignore[attr-defined]
        if is_leaf_type(get_named_type(field.type))
    }


def _selection(t: GraphQLObjectType, seen: frozenset[str]) -> str:
    """Every field of `t` reachable without a required argument; each type once per path."""
    parts = ["__typename"]
    for name, field in t.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) and a.default_value is None for a in field.args.values()):
            continue
        args = "(first: 2)" if "first" in field.args else ""
        named = get_named_type(field.type)
        if is_leaf_type(named):
            parts.append(name + args)
        elif isinstance(named, GraphQLObjectType) and named.name not in seen:
            parts.append(f"{name}{args} {{ {_selection(named, seen | {named.name})} }}")
    return " ".join(parts)


def _everything(schema: GraphQLSchema, *, by_dod_id: bool = False) -> str:
    """Every field, under `node(id: $id)` (as analysts reach a patient) or `patient(dodId: $d)`."""
    patient = schema.type_map["Patient"]
    sources = schema.type_map["SourceHealth"]
    assert isinstance(patient, GraphQLObjectType) and isinstance(sources, GraphQLObjectType)
    fields = _selection(patient, frozenset({"Patient"}))
    if by_dod_id:
        root, variables = f"node: patient(dodId: $d) {{ {fields} }}", "$d: String!"
        cohorts = ""
    else:
        root, variables = f"node(id: $id) {{ ... on Patient {{ {fields} }} }}", "$id: ID!"
        cohort = schema.type_map["Cohort"]
        assert isinstance(cohort, GraphQLObjectType)
        every = _selection(cohort, frozenset({"Cohort"}))
        cohorts = (f"a: cohort(criteria: {{}}, by: [FACILITY, SERVICE, AGE_BAND]) {{ {every} }} "
                   f"b: cohort(criteria: {{}}, by: [SEX]) {{ {every} }}")
    capabilities = schema.type_map["Capability"]
    assert isinstance(capabilities, GraphQLObjectType)
    status = (f"sources {{ {_selection(sources, frozenset())} }} "
              f"capabilities {{ {_selection(capabilities, frozenset())} }}")
    return f"query({variables}) {{ {root} {status} {cohorts} }}"


def _collect(schema: GraphQLSchema, data: dict[str, Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    _walk(data["node"], schema.type_map["Patient"], found)
    _walk({"sources": data["sources"], "capabilities": data["capabilities"]}, schema.type_map["Query"], found)
    for alias in ("a", "b"):  # the two cohort questions
        if alias in data:
            _walk(data[alias], schema.type_map["Cohort"], found)
    return found


def _walk(value: Any, t: Any, found: dict[str, list[Any]]) -> None:
    """Collect each leaf value of a response under its `Type.field` name (objects: `Type.`)."""
    if isinstance(value, list):
        for item in value:
            _walk(item, t, found)
        return
    if not isinstance(value, dict):
        return
    found.setdefault(f"{t.name}.", [])
    for key, item in value.items():
        if key == "__typename":
            continue
        field = t.fields[key]
        named = get_named_type(field.type)
        if is_leaf_type(named):
            values = found.setdefault(f"{t.name}.{key}", [])
            values.extend((item or []) if is_list_type(_nullable(field.type)) else [item])
        else:
            _walk(item, named, found)


def _nullable(t: Any) -> Any:
    return t.of_type if isinstance(t, GraphQLNonNull) else t


def _unsealed(value: str) -> bytes:
    raw = value.removeprefix("s1.")
    try:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        return b""


def test_the_policy_table_classifies_every_leaf_field_and_only_those(served: GraphQLSchema) -> None:
    leaves = _leaves(served)
    assert sorted(leaves.keys() - POLICY.keys()) == []  # nothing is left to the "removed" default
    assert sorted(POLICY.keys() - leaves.keys()) == []
    for name, rule in POLICY.items():
        if rule.treatment is Treatment.DISPLAY:
            assert rule.code_field in served.type_map[name.split(".")[0]].fields, name  # type: ignore[attr-defined]
        if rule.treatment in (Treatment.PUBLIC, Treatment.GATEWAY):
            assert name.split(".")[0] in NOT_PATIENT_DATA, name


def test_identifying_fields_are_removed_and_every_date_is_reduced(served: GraphQLSchema) -> None:
    leaves = _leaves(served)
    identifying = {name for name in leaves
                   if name.startswith("HumanName.")
                   or name.endswith((".sourceId", ".body", ".sender", ".subject", ".note", ".email",
                                     ".phone", ".description", ".text", ".title", ".valueString",
                                     ".dosageInstructions", ".role"))
                   or name in ("CareTeam.name",)}
    public = {n for n in identifying if n.split(".")[0] in NOT_PATIENT_DATA}
    assert sorted(n for n in identifying - public if rule_of(n).treatment is not Treatment.REMOVE) == []
    dates = {n for n, f in leaves.items() if get_named_type(f.type).name in ("Date", "DateTime")}
    assert dates and all(rule_of(n).treatment in (Treatment.DATE, Treatment.BIRTH_DATE) for n in dates)
    ids = {n for n in leaves if n.endswith(".id") and n.split(".")[0] not in NOT_PATIENT_DATA | {"Facility"}}
    sealed = (Treatment.REMOVE, Treatment.PATIENT_ID, Treatment.PROJECT)  # PROJECT: the cohort's sealed ids
    assert all(rule_of(n).treatment in sealed for n in ids), ids


def test_every_removed_leaf_has_a_value_that_keeps_the_answer_valid(served: GraphQLSchema) -> None:
    """A removed field comes back as a placeholder, never as an error that nulls its parent."""
    for name, field in _leaves(served).items():
        if rule_of(name).treatment is not Treatment.REMOVE:
            continue
        if not isinstance(field.type, GraphQLNonNull) or is_list_type(field.type.of_type):
            continue
        assert get_named_type(field.type).name in ("String", "ID", "Float", "Boolean"), name


def _names(data: Any) -> set[str]:
    """Every person's name in the demo data: patients, practitioners, archive senders."""
    found: set[str] = set()
    for resource in [*data.genesis, *data.community]:
        if resource["resourceType"] in ("Patient", "Practitioner", "RelatedPerson"):
            for name in resource.get("name", []):
                found |= {name.get("family", ""), *name.get("given", [])}
    for account in data.tol.accounts:
        found |= {account.given_name, account.family_name}
    for message in data.tol.messages:
        found |= set(message.sender_name.split()) if not message.from_patient else set()
    for appointment in data.tol.appointments:
        found |= set((appointment.provider_name or "").split())
    return {n.strip(".,") for n in found if len(n.strip(".,")) >= 3} - {"Dr"}


async def test_every_leaf_field_reaches_analysts_de_identified(
    ask: Ask, served: GraphQLSchema, demo_stack: Any
) -> None:
    """The leaf walk: every leaf of the served schema, as an analyst sees it."""
    await wait_for_mart(demo_stack)
    query = _everything(served)
    status, body = await ask("A1", query, {"id": await sealed_id(demo_stack, P1)})
    assert status == 200 and "errors" not in body, body.get("errors")
    found = _collect(served, body["data"])
    expected = {n for n in _leaves(served) if n.split(".")[0] not in NOT_FOR_ANALYSTS}
    selected = set(re.findall(r"\w+", query))
    assert sorted(n for n in expected if n.split(".")[1] not in selected) == []  # the query asks for all
    unseen = {n for n in expected - found.keys() if n.split(".")[0] + "." in found}
    assert sorted(unseen) == []  # every leaf of every object the demo data has came back
    assert len(found) > 100
    known = _Known(demo_stack.data, found)
    conn = await asyncpg.connect(demo_stack.info()["gateway_dsn"])
    try:  # the health library's coded concepts
        known.displays |= {r["display"] for r in await conn.fetch("SELECT display FROM library.health_topic_codes")}
    finally:
        await conn.close()
    for name, values in found.items():
        for value in values:
            _check(name, value, known)
    # what a clinician sees of the same patient appears nowhere in the analyst's answer
    _, real = await ask("C1", _everything(served, by_dod_id=True), {"d": P1})
    plain = _collect(served, real["data"])
    text = str(body)
    hidden = [v for name, values in plain.items() if rule_of(name).treatment in (Treatment.REMOVE, Treatment.DATE)
              for v in values if isinstance(v, str) and len(v) > 3 and not YEAR.match(v)]
    assert len(hidden) > 50 and [v for v in hidden if v in text] == []


class _Known:
    """What the checks compare against: names, places and code displays of the demo data."""

    def __init__(self, data: Any, found: dict[str, list[Any]]) -> None:
        self.names = _names(data)
        self.places = {str(r["name"]) for r in [*data.genesis, *data.community]
                       if r["resourceType"] in ("Location", "Organization")} | {f.name for f in data.tol.facilities}
        self.displays = {str(c["display"]) for r in [*data.genesis, *data.community] for c in _codings(r)
                         if c.get("display")} | {x.test_name for x in data.tol.lab_results}
        self.displays |= {x.drug_name for x in data.tol.prescriptions}
        self.codes = {v for n in ("Coding.display", "Coding.code") for v in found.get(n, []) if v}


def _codings(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [c for item in value for c in _codings(item)]
    if not isinstance(value, dict):
        return []
    own = [c for c in value.get("coding", []) if isinstance(c, dict)]
    return own + [c for key, item in value.items() if key != "coding" for c in _codings(item)]


def _check(name: str, value: Any, known: _Known) -> None:
    """Fail on a date finer than a year, a name or free text; and each value as its rule says."""
    treatment = rule_of(name).treatment
    sealed = treatment in (Treatment.PATIENT_ID, Treatment.CURSOR, Treatment.PSEUDONYM)
    if isinstance(value, str) and not sealed:
        assert not FINER_THAN_A_YEAR.search(value), (name, value)  # no date finer than a year
        assert not set(re.findall(r"[A-Za-z']{3,}", value)) & known.names, (name, value)  # no name
    if treatment is Treatment.REMOVE:
        assert value in REDACTIONS, (name, value)
    elif treatment in (Treatment.DATE, Treatment.BIRTH_DATE):
        assert value is None or YEAR.match(value), (name, value)
    elif treatment is Treatment.PATIENT_ID:
        assert SEALED_ID.match(value), (name, value)
    elif treatment is Treatment.PSEUDONYM:
        assert ANON.match(value), (name, value)
    elif treatment is Treatment.CURSOR:
        assert value is None or (value.startswith("s1.") and b"GENESIS" not in _unsealed(value)), name
    elif treatment is Treatment.CODED:  # free text only as a code system's display
        assert value is None or value in known.displays, (name, value)
    elif treatment is Treatment.DISPLAY:
        assert value in known.codes, (name, value)
    elif treatment is Treatment.PLACE:
        assert value is None or value in known.places or name == "Facility.id", (name, value)
    elif treatment is Treatment.KEEP and isinstance(value, str):
        assert not re.search(r"\s", value), (name, value)  # a code, not words
    elif treatment is Treatment.PROJECT:
        _check_cohort(name, value)


def _check_cohort(name: str, value: Any) -> None:
    """Cohort answers: the project's own ids and pseudonyms, counts that are shown or suppressed."""
    if name == "CohortPatient.id":
        assert SEALED_ID.match(value), (name, value)
    elif name == "CohortPatient.pseudonym":
        assert ANON.match(value), (name, value)
    elif name.endswith(".count"):
        assert value is None or (isinstance(value, int) and value >= 11), (name, value)  # the threshold
    elif isinstance(value, str):
        assert not re.search(r"\s", value), (name, value)


async def test_pseudonyms_are_keyed_stable_per_patient_and_per_project(ask: Ask, demo_stack: Any) -> None:
    query = "query($id: ID!) { node(id: $id) { id ... on Patient { dodId birthDate } } }"
    p1, p2 = await sealed_id(demo_stack, P1), await sealed_id(demo_stack, P2)
    _, first = await ask("A1", query, {"id": p1})
    _, again = await ask("A1", query, {"id": p1})
    _, other = await ask("A1", query, {"id": p2})
    mine = first["data"]["node"]
    assert mine == again["data"]["node"] and mine["id"] == p1  # node(id:) fetches it again
    assert mine["dodId"] != other["data"]["node"]["dodId"] and mine["id"] != other["data"]["node"]["id"]
    assert mine["dodId"] == await project_pseudonym(demo_stack, P1)
    assert P1 not in str(first) and hashlib.sha256(P1.encode()).hexdigest()[:20] not in str(first)
    # another project: other pseudonyms, other ids, and this project's ids do not open there
    elsewhere = analyst_token(demo_stack, "sleep-study")
    theirs = await sealed_id(demo_stack, P1, "sleep-study")
    _, there = await gql(demo_stack, query, {"id": theirs}, token=elsewhere)
    assert there["data"]["node"]["dodId"] != mine["dodId"] and there["data"]["node"]["id"] == theirs != p1
    assert there["data"]["node"]["dodId"] == await project_pseudonym(demo_stack, P1, "sleep-study")
    _, crossed = await gql(demo_stack, query, {"id": p1}, token=elsewhere)
    assert crossed["data"]["node"] is None and code(crossed) == "FORBIDDEN"


async def test_patient_id_does_not_carry_the_dod_id(ask: Ask, demo_stack: Any) -> None:
    patient_id = await sealed_id(demo_stack, P1)
    _, body = await ask("A1", "query($id: ID!) { node(id: $id) { id } }", {"id": patient_id})
    assert body["data"]["node"]["id"] == patient_id
    assert P1 not in _unsealed(patient_id).decode(errors="replace") and P1 not in patient_id


async def test_analysts_page_with_sealed_cursors(ask: Ask, demo_stack: Any) -> None:
    query = """query($d: String!, $after: String) { patient(dodId: $d) {
        labResults(first: 2, after: $after) { edges { cursor node { display effectiveAt } }
        pageInfo { endCursor hasNextPage } } } }"""
    by_id = """query($id: ID!, $after: String) { node(id: $id) { ... on Patient {
        labResults(first: 2, after: $after) { edges { cursor node { display effectiveAt } }
        pageInfo { endCursor hasNextPage } } } } }"""
    p1 = await sealed_id(demo_stack, P1)
    _, plain = await ask("P1", query, {"d": P1})
    _, first = await ask("A1", by_id, {"id": p1})
    page = first["data"]["node"]["labResults"]
    assert [_in_years(e["node"]) for e in page["edges"]] == \
        [_in_years(e["node"]) for e in plain["data"]["patient"]["labResults"]["edges"]]
    cursor = page["pageInfo"]["endCursor"]
    assert cursor.startswith("s1.") and b"obs-" not in _unsealed(cursor)
    assert all(e["cursor"].startswith("s1.") for e in page["edges"])
    _, second = await ask("A1", by_id, {"id": p1, "after": cursor})
    plain_cursor = plain["data"]["patient"]["labResults"]["pageInfo"]["endCursor"]
    _, expected = await ask("P1", query, {"d": P1, "after": plain_cursor})
    assert [_in_years(e["node"]) for e in second["data"]["node"]["labResults"]["edges"]] == \
        [_in_years(e["node"]) for e in expected["data"]["patient"]["labResults"]["edges"]]
    for forged in (plain_cursor, cursor[:-4] + "AAAA"):
        _, refused = await ask("A1", by_id, {"id": p1, "after": forged})
        assert code(refused) == "BAD_USER_INPUT"


def _in_years(lab: dict[str, Any]) -> tuple[str, str]:
    return lab["display"], lab["effectiveAt"][:4]


async def test_ages_over_89_are_grouped_and_their_birth_year_is_withheld(ask: Ask, demo_stack: Any) -> None:
    query = "query($id: ID!) { node(id: $id) { ... on Patient { birthDate ageBand } } }"
    _, elder = await ask("A1", query, {"id": await sealed_id(demo_stack, ELDER)})
    assert elder["data"]["node"] == {"birthDate": None, "ageBand": "AGE_90_PLUS"}
    _, p1 = await ask("A1", query, {"id": await sealed_id(demo_stack, P1)})
    _, own = await ask("P1", "{ me { birthDate ageBand } }")
    me = own["data"]["me"]
    assert p1["data"]["node"] == {"birthDate": me["birthDate"][:4], "ageBand": me["ageBand"]}


SHIFTED = """query($id: ID!) { node(id: $id) { ... on Patient { birthDate
    appointments(first: 10) { edges { node { start end } } }
    labResults(first: 10) { edges { node { effectiveAt provenance { retrievedAt } } } } } } }"""
PLAIN = SHIFTED.replace("query($id: ID!) { node(id: $id) { ... on Patient {", "{ me {").replace("} } } } }", "} } } }")


async def test_a_project_configured_to_shift_sees_every_date_moved_by_one_offset(demo_stack: Any) -> None:
    projects = Projects.parse(["shift-study:shift", ANALYST_PROJECT])
    config = dataclasses.replace(demo_stack.config, analyst_projects=projects)
    async with serve(create_app(config)) as url:
        token = analyst_token(demo_stack, "shift-study")
        _, shifted = await gql(f"{url}/graphql", SHIFTED, {"id": await sealed_id(demo_stack, P1, "shift-study")},
                               token=token)
        _, year_only = await gql(f"{url}/graphql", SHIFTED, {"id": await sealed_id(demo_stack, P1)},
                                 token=analyst_token(demo_stack))
    _, plain = await gql(demo_stack, PLAIN, token=demo_stack.info()["tokens"]["P1"])
    got, real = shifted["data"]["node"], plain["data"]["me"]
    offset = dt.date.fromisoformat(got["birthDate"]) - dt.date.fromisoformat(real["birthDate"])
    assert offset != dt.timedelta(0) and abs(offset.days) <= 365
    visits = zip(got["appointments"]["edges"], real["appointments"]["edges"], strict=True)
    for seen, truth in visits:
        start, end = (dt.datetime.fromisoformat(seen["node"][k]) for k in ("start", "end"))
        assert start.utcoffset() == dt.timedelta(0)  # in UTC: no offset tells where
        assert start - dt.datetime.fromisoformat(truth["node"]["start"]) == offset
        assert end - start == dt.datetime.fromisoformat(truth["node"]["end"]) - \
            dt.datetime.fromisoformat(truth["node"]["start"])  # intervals are kept
    for seen, truth in zip(got["labResults"]["edges"], real["labResults"]["edges"], strict=True):
        moved = dt.datetime.fromisoformat(seen["node"]["effectiveAt"])
        assert moved - dt.datetime.fromisoformat(truth["node"]["effectiveAt"]) == offset
    assert year_only["data"]["node"]["birthDate"] == real["birthDate"][:4]  # other projects: years only
