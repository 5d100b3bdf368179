"""Analysts get de-identified answers, field by field, for every leaf field the schema serves."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

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

from schema import build_schema
from schema.deid_policy import PSEUDONYMIZED, SAFE_FOR_ANALYSTS, SEALED, YEAR_ONLY
from schema.extensions.deidentify import REDACTED
from tests.access.conftest import Ask, code
from tests.support.analysts import analyst_token, project_pseudonym, sealed_id
from tests.support.gql import gql

P1, P2 = "1000000001", "1000000002"
POLICY = SAFE_FOR_ANALYSTS | PSEUDONYMIZED | YEAR_ONLY | SEALED
REDACTIONS: tuple[Any, ...] = (REDACTED, None, [], 0.0, False)
NOT_FOR_ANALYSTS = {"Slot", "UserError"}  # reached only through patients' own queries and mutations
ANON = re.compile(r"^anon-[0-9a-f]{24}$")
SEALED_ID = re.compile(r"^a1\.[A-Za-z0-9_-]{43}$")


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
    else:
        root, variables = f"node(id: $id) {{ ... on Patient {{ {fields} }} }}", "$id: ID!"
    return f"query({variables}) {{ {root} sources {{ {_selection(sources, frozenset())} }} }}"


def _collect(schema: GraphQLSchema, data: dict[str, Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    _walk(data["node"], schema.type_map["Patient"], found)
    _walk({"sources": data["sources"]}, schema.type_map["Query"], found)
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


def test_the_policy_names_only_leaf_fields_that_exist(served: GraphQLSchema) -> None:
    leaves = _leaves(served)
    assert sorted(POLICY - leaves.keys()) == []
    for a, b in ((SAFE_FOR_ANALYSTS, PSEUDONYMIZED), (SAFE_FOR_ANALYSTS, YEAR_ONLY),
                 (SAFE_FOR_ANALYSTS, SEALED), (PSEUDONYMIZED, YEAR_ONLY)):
        assert not a & b


def test_identifying_fields_are_never_marked_safe(served: GraphQLSchema) -> None:
    identifying = {name for name in _leaves(served)
                   if name.startswith(("Patient.", "HumanName."))
                   or name.endswith((".id", ".sourceId", ".body", ".sender", ".subject", ".note", ".email",
                                     ".phone", ".description"))
                   or name in ("ClinicalNote.text",)}
    reviewed_public = {"Facility.id", "HealthTopic.id", "Patient.gender"}  # no one's identity
    assert sorted((identifying - reviewed_public) & SAFE_FOR_ANALYSTS) == []
    assert {"Patient.dodId", "Patient.id"} <= PSEUDONYMIZED and "Patient.birthDate" in YEAR_ONLY


def test_every_redacted_leaf_has_a_value_that_keeps_the_answer_valid(served: GraphQLSchema) -> None:
    """A field nobody reviewed comes back redacted, never as an error that nulls its parent."""
    for name, field in _leaves(served).items():
        if name in POLICY or not isinstance(field.type, GraphQLNonNull) or is_list_type(field.type.of_type):
            continue
        assert get_named_type(field.type).name in ("String", "ID", "Float", "Boolean"), name


async def test_every_leaf_field_reaches_analysts_de_identified(
    ask: Ask, served: GraphQLSchema, demo_stack: Any
) -> None:
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
    for name, values in found.items():
        for value in values:
            if name in SAFE_FOR_ANALYSTS:
                continue
            if name == "Patient.id":
                assert SEALED_ID.match(value), (name, value)
            elif name in PSEUDONYMIZED:
                assert ANON.match(value), (name, value)
            elif name in YEAR_ONLY:
                assert value is None or re.match(r"^\d{4}-01-01$", value), (name, value)
            elif name in SEALED:
                assert value is None or (value.startswith("s1.") and b"GENESIS" not in _unsealed(value)), name
            else:
                assert value in REDACTIONS, (name, value)
    # what a clinician sees of the same patient appears nowhere in the analyst's answer
    _, real = await ask("C1", _everything(served, by_dod_id=True), {"d": P1})
    plain = _collect(served, real["data"])
    text = str(body)
    public = {v for name, values in plain.items() if name in SAFE_FOR_ANALYSTS for v in values if isinstance(v, str)}
    identifying = [v for name, values in plain.items() if name not in SAFE_FOR_ANALYSTS | YEAR_ONLY
                   for v in values if isinstance(v, str) and len(v) > 3 and v not in public]
    assert identifying and [v for v in identifying if v in text] == []


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
    assert [e["node"] for e in page["edges"]] == [e["node"] for e in plain["data"]["patient"]["labResults"]["edges"]]
    cursor = page["pageInfo"]["endCursor"]
    assert cursor.startswith("s1.") and b"obs-" not in _unsealed(cursor)
    assert all(e["cursor"].startswith("s1.") for e in page["edges"])
    _, second = await ask("A1", by_id, {"id": p1, "after": cursor})
    plain_cursor = plain["data"]["patient"]["labResults"]["pageInfo"]["endCursor"]
    _, expected = await ask("P1", query, {"d": P1, "after": plain_cursor})
    assert [e["node"] for e in second["data"]["node"]["labResults"]["edges"]] == \
        [e["node"] for e in expected["data"]["patient"]["labResults"]["edges"]]
    for forged in (plain_cursor, cursor[:-4] + "AAAA"):
        _, refused = await ask("A1", by_id, {"id": p1, "after": forged})
        assert code(refused) == "BAD_USER_INPUT"
