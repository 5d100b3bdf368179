"""The portal's data is the synthetic world's messages, renewal requests and questionnaires, and with
the Millennium profile on it points at what the Millennium-shaped FHIR side holds."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.data import generate
from sandbox.fhir.paths import reference_key
from sandbox.millennium import millennium_resources
from sandbox.portal import PORTAL_TYPES, portal_resources

DATA = generate(extra_patients=4)


def _references(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, list):
        return [k for v in value for k in _references(v)]
    if not isinstance(value, dict):
        return []
    found = [k for v in value.values() for k in _references(v)]
    key = reference_key(value.get("reference"))
    return [*found, key] if key else found


@pytest.mark.parametrize("millennium", [False, True])
def test_every_reference_of_the_portal_resolves_on_the_fhir_side(millennium: bool) -> None:
    fhir = millennium_resources(DATA.genesis) if millennium else DATA.genesis
    portal = portal_resources(DATA.genesis, millennium=millennium)
    held = {(r["resourceType"], r["id"]) for r in [*fhir, *portal]}
    assert {r["resourceType"] for r in portal} == set(PORTAL_TYPES)
    refs = [k for r in portal for k in _references(r)]
    assert refs and [k for k in refs if k not in held] == []
    assert len(portal) == sum(1 for r in DATA.genesis if r["resourceType"] in PORTAL_TYPES)
