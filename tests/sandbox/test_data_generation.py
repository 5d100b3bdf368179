"""The generator: deterministic, internally consistent, in the conventions' shape, and scalable."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from sandbox.data import DEFAULT_SEED, generate
from sandbox.data.codes import ICD10, ICD10_CODES, LOINC, LOINC_CODES, RXNORM, RXNORM_CODES

TODAY = dt.date(2026, 11, 27)
DOD = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"


def references(value: Any) -> list[str]:
    """Every `reference` string anywhere inside a resource."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                found.append(item)
            else:
                found.extend(references(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(references(item))
    return found


def codes_in(resources: list[dict[str, Any]], system: str) -> set[str]:
    out = set()
    for r in resources:
        for key in ("code", "medicationCodeableConcept"):
            for c in r.get(key, {}).get("coding", []) if isinstance(r.get(key), dict) else []:
                if c["system"] == system:
                    out.add(c["code"])
    return out


def test_same_seed_and_day_give_identical_data() -> None:
    assert generate(DEFAULT_SEED, 30, TODAY) == generate(DEFAULT_SEED, 30, TODAY)


def test_another_seed_changes_the_extras_but_not_persona_ids() -> None:
    a, b = generate(1, 30, TODAY), generate(2, 30, TODAY)
    assert a.genesis != b.genesis
    assert a.personas == b.personas

    def extra_names(data: Any) -> list[str]:
        return [
            p["name"][0]["family"]
            for p in data.genesis
            if p["resourceType"] == "Patient" and p["identifier"][0]["value"].startswith("2")
        ]

    assert extra_names(a) != extra_names(b)


def test_dates_follow_today() -> None:
    later = TODAY + dt.timedelta(days=100)
    data = generate(today=later)
    pid = data.personas["P1"].genesis_patient_id
    booked = [
        r
        for r in data.genesis
        if r["resourceType"] == "Appointment"
        and r["status"] == "booked"
        and r["participant"][0]["actor"]["reference"] == f"Patient/{pid}"
    ]
    assert len(booked) == 2
    assert all(dt.datetime.fromisoformat(a["start"]).date() > later for a in booked)


def test_every_reference_resolves_within_its_sandbox() -> None:
    data = generate(extra_patients=10, today=TODAY)
    for resources in (data.genesis, data.community):
        known = {f"{r['resourceType']}/{r['id']}" for r in resources}
        dangling = {ref for r in resources for ref in references(r) if ref not in known}
        assert dangling == set()


def test_ids_are_unique_per_resource_type() -> None:
    data = generate(extra_patients=50, today=TODAY)
    for resources in (data.genesis, data.community):
        keys = Counter((r["resourceType"], r["id"]) for r in resources)
        assert [k for k, n in keys.items() if n > 1] == []
        assert all(re.fullmatch(r"[A-Za-z0-9\-.]{1,64}", r["id"]) for r in resources)
    tol = data.tol
    for table in tol.tables():
        first = [record[0] for record in table.records]
        assert len(first) == len(set(first)), table.name


def test_only_listed_codes_are_used() -> None:
    data = generate(extra_patients=50, today=TODAY)
    everything = data.genesis + data.community
    assert codes_in(everything, ICD10) <= set(ICD10_CODES)
    assert codes_in(everything, LOINC) - {"11506-3"} <= set(LOINC_CODES)
    assert codes_in(everything, RXNORM) <= set(RXNORM_CODES)
    assert {r.loinc_code for r in data.tol.lab_results} <= set(LOINC_CODES)


def test_slots_ahead_at_every_facility_with_local_offsets() -> None:
    data = generate(today=TODAY)
    slots = [r for r in data.genesis if r["resourceType"] == "Slot"]
    schedules = {r["id"]: r for r in data.genesis if r["resourceType"] == "Schedule"}
    horizon = TODAY + dt.timedelta(days=30)
    by_facility: dict[str, set[tuple[str, str]]] = {}
    for slot in slots:
        start = dt.datetime.fromisoformat(slot["start"])
        assert TODAY < start.date() <= horizon
        location = next(
            a["reference"]
            for a in schedules[slot["schedule"]["reference"].split("/")[1]]["actor"]
            if a["reference"].startswith("Location/")
        )
        service = slot["serviceCategory"][0]["coding"][0]["code"]
        by_facility.setdefault(location, set()).add((service, slot["status"]))
    assert set(by_facility) == {"Location/loc-bragg", "Location/loc-yokosuka", "Location/loc-luke"}
    for seen in by_facility.values():
        assert {("17", "free"), ("10", "free")} <= seen
    assert any(status == "busy" for seen in by_facility.values() for _, status in seen)
    offsets = {slot["start"][-6:] for slot in slots}
    assert offsets & {"-05:00", "-04:00"}
    assert {"+09:00", "-07:00"} <= offsets


def test_extra_patients_spread_over_all_sources() -> None:
    data = generate(extra_patients=1000, today=TODAY, lookalikes=0)
    genesis_dods = {
        i["value"]
        for r in data.genesis
        if r["resourceType"] == "Patient"
        for i in r["identifier"]
        if i["system"] == DOD
    }
    extras = {str(2_000_000_000 + n) for n in range(1000)}
    assert extras <= genesis_dods
    assert len(genesis_dods) == 1004
    tol_extras = {a.dod_id for a in data.tol.accounts} & extras
    assert 100 <= len(tol_extras) < 1000
    community = [r for r in data.community if r["resourceType"] == "Patient"]
    with_dod = [p for p in community if any(i["system"] == DOD for i in p["identifier"])]
    assert len(with_dod) >= 100
    assert len(community) - len(with_dod) >= 100  # found only by $match
    labs = Counter(r["subject"]["reference"] for r in data.genesis if r["resourceType"] == "Observation")
    assert max(n for ref, n in labs.items()) < 200  # only P3 has a long history


def test_lookalike_pairs_are_deterministic_and_their_owners_known() -> None:
    data = generate(extra_patients=200, today=TODAY)
    assert len(data.lookalikes) == 50  # one pair per 4 extra patients
    assert {kind for kind, _ in data.lookalikes} == {"twins", "common-name", "transposed-dod-id", "married-name",
                                                     "hyphenated-name", "missing-gender", "stranger"}  # fmt: skip
    community = {r["id"]: r for r in data.community if r["resourceType"] == "Patient"}
    assert set(data.community_owners) == set(community)  # every community patient has a known owner (or none)
    genesis = {i["value"]: r for r in data.genesis if r["resourceType"] == "Patient" for i in r["identifier"]
               if i["system"] == DOD}  # fmt: skip
    assert all(owner is None or owner in genesis for owner in data.community_owners.values())
    for kind, pid in data.lookalikes:
        owner, record = data.community_owners[pid], community[pid]
        carried = [i["value"] for i in record["identifier"] if i["system"] == DOD]
        if kind == "transposed-dod-id":
            assert owner is not None and carried and carried[0] != owner and sorted(carried[0]) == sorted(owner)
            assert carried[0] in genesis  # the typo is another patient's DoD ID
        elif kind == "stranger":
            assert owner is None
        else:
            assert owner is not None and not carried
        if kind == "missing-gender":
            assert "gender" not in record
    again = generate(extra_patients=200, today=TODAY)
    assert again.community == data.community and again.genesis == data.genesis
    assert generate(extra_patients=200, today=TODAY, seed=7).community != data.community


def test_negative_extra_count_is_refused() -> None:
    try:
        generate(extra_patients=-1, today=TODAY)
    except ValueError as exc:
        assert "extra_patients" in str(exc)
    else:
        raise AssertionError("expected ValueError")


def business_ids(resources: list[dict[str, Any]]) -> set[str]:
    """The values adapters merge duplicates on: accessions, masterIdentifiers, identifiers."""
    out = set()
    for r in resources:
        if r["resourceType"] == "DocumentReference":
            out.add(r["masterIdentifier"]["value"])
        elif r["resourceType"] in ("Observation", "MedicationRequest", "Condition", "Appointment"):
            out.update(i["value"] for i in r.get("identifier", []))
    return out


def test_only_one_record_is_held_by_both_sandboxes() -> None:
    data = generate(extra_patients=200, today=TODAY)
    shared = business_ids(data.genesis) & business_ids(data.community)
    assert len(shared) == 1  # P1's lab, on purpose
    tol_accessions = {r.accession_number for r in data.tol.lab_results}
    assert not tol_accessions & (business_ids(data.genesis) | business_ids(data.community))
