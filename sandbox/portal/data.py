"""The portal's own data: the secure messages, renewal requests and questionnaire assignments of
the synthetic world, taken from the GENESIS data (with Millennium's ids when the FHIR side speaks it)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from sandbox.millennium import millennium_references

__all__ = ["PORTAL_TYPES", "portal_resources"]

Resource = dict[str, Any]
PORTAL_TYPES = ("Communication", "Task", "QuestionnaireResponse")


def portal_resources(genesis: Iterable[Resource], *, millennium: bool = False) -> list[Resource]:
    """The portal's resources out of the generated GENESIS data (the input is not changed).

    With `millennium`, references to what the FHIR side holds (patients, care teams, practitioners,
    prescriptions, appointments, questionnaires) carry the ids `millennium_resources` gives them."""
    given = list(genesis)
    mine = [copy.deepcopy(r) for r in given if r.get("resourceType") in PORTAL_TYPES]
    if not millennium:
        return mine
    rename = millennium_references(given, keep=PORTAL_TYPES)  # the portal's own references keep its ids
    return [rename(r) for r in mine]
