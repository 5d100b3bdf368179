"""`Patient/$match`: grade stored patients against a query patient (never on name alone)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .bundle import entry, new_bundle
from .outcome import BadRequest
from .store import ResourceStore

__all__ = ["MATCH_GRADE_URL", "Grade", "grade", "match_bundle"]

MATCH_GRADE_URL = "http://hl7.org/fhir/StructureDefinition/match-grade"


@dataclass(frozen=True)
class Grade:
    """How well a candidate matches: a match-grade code and a score in 0..1."""

    code: str  # certain, probable, possible
    score: float


@dataclass(frozen=True)
class _Person:
    families: frozenset[str]
    givens: frozenset[str]
    birth_date: str | None
    gender: str | None
    identifiers: frozenset[tuple[str, str]]


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum()).casefold()


def _person(patient: dict[str, Any]) -> _Person:
    families: set[str] = set()
    givens: set[str] = set()
    for name in patient.get("name") or []:
        if name.get("family"):  # whole, and each part of a hyphenated or two-word family name
            families.add(_fold(name["family"]))
            families.update(_fold(part) for part in re.split(r"[\s\-]+", name["family"]) if _fold(part))
        givens.update(_fold(g) for g in name.get("given") or [] if g)
    identifiers = {(i.get("system", ""), str(i["value"])) for i in patient.get("identifier") or [] if i.get("value")}
    return _Person(
        frozenset(families), frozenset(givens), patient.get("birthDate"), patient.get("gender"),
        frozenset(identifiers),
    )  # fmt: skip


def _distance(a: str, b: str) -> int:
    """Levenshtein edit distance."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@lru_cache(maxsize=1 << 16)
def _similar(a: str, b: str) -> bool:
    """Whether two folded given names are near: two edits apart, or one starts the other."""
    if _distance(a, b) <= 2:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and long_.startswith(short)


def grade(query: dict[str, Any], candidate: dict[str, Any]) -> Grade | None:
    """The grade of `candidate` for the `query` Patient, or None when it is no match."""
    return _grade(_person(query), _person(candidate))


def _grade(q: _Person, c: _Person) -> Grade | None:
    same_birth = q.birth_date is not None and q.birth_date == c.birth_date
    same_gender = q.gender is not None and q.gender == c.gender
    same_family = bool(q.families & c.families)
    same_given = bool(q.givens & c.givens)
    if q.identifiers & c.identifiers:
        if same_birth or q.birth_date is None:
            return Grade("certain", 1.0)
        return Grade("possible", 0.5)
    if not same_family:
        return None
    near_given = any(_similar(a, b) for a in q.givens for b in c.givens)
    if same_birth:
        if same_given and same_gender:
            return Grade("certain", 0.97)
        if same_given and (q.gender is None or c.gender is None):
            return Grade("probable", 0.85)
        if near_given and same_gender:
            return Grade("probable", 0.8)
        if same_given:  # gender on record differs
            return Grade("possible", 0.5)
        return Grade("possible", 0.35)
    if same_given or near_given:
        return Grade("possible", 0.3 if same_given else 0.2)  # name alone: never above possible
    return None


@dataclass(frozen=True)
class _Stored:
    """Every stored patient's match features, and which of them share a family name or an
    identifier (the only candidates that can grade at all)."""

    people: list[tuple[_Person, dict[str, Any]]]
    by_key: dict[Hashable, list[int]]

    def candidates(self, q: _Person) -> list[tuple[_Person, dict[str, Any]]]:
        keys: list[Hashable] = [*q.families, *q.identifiers]
        positions = {p for k in keys for p in self.by_key.get(k, ())}
        return [self.people[p] for p in sorted(positions)]


def _stored(patients: list[dict[str, Any]]) -> _Stored:
    people = [(_person(p), p) for p in patients]
    by_key: dict[Hashable, list[int]] = defaultdict(list)
    for position, (person, _) in enumerate(people):
        for key in (*person.families, *person.identifiers):
            by_key[key].append(position)
    return _Stored(people, dict(by_key))


def match_bundle(store: ResourceStore, parameters: Any, base_url: str) -> dict[str, Any]:
    """The searchset Bundle answering a `$match` Parameters body."""
    if not isinstance(parameters, dict) or parameters.get("resourceType") != "Parameters":
        raise BadRequest("$match takes a Parameters resource")
    query: dict[str, Any] | None = None
    only_certain = False
    count = 10
    for p in parameters.get("parameter") or []:
        if p.get("name") == "resource":
            query = p.get("resource")
        elif p.get("name") == "onlyCertainMatches":
            only_certain = bool(p.get("valueBoolean"))
        elif p.get("name") == "count":
            count = int(p.get("valueInteger") or count)
    if not isinstance(query, dict) or query.get("resourceType") != "Patient":
        raise BadRequest("$match needs a 'resource' parameter holding a Patient")
    if not query.get("name") and not query.get("identifier"):
        raise BadRequest("$match needs at least a name or an identifier")
    q = _person(query)
    stored = store.derived("Patient", "match", lambda: _stored(store.all("Patient")))
    graded = [(g, p) for person, p in stored.candidates(q) if (g := _grade(q, person)) is not None]
    graded.sort(key=lambda pair: (-pair[0].score, pair[1]["id"]))
    if only_certain:
        graded = [pair for pair in graded if pair[0].code == "certain"]
        if len(graded) > 1:
            graded = []  # several "certain" candidates are not certain at all
    bundle = new_bundle("searchset")
    bundle["total"] = len(graded[:count])
    bundle["entry"] = [
        entry(base_url, patient, "match", {
            "extension": [{"url": MATCH_GRADE_URL, "valueCode": g.code}],
            "score": g.score,
        })
        for g, patient in graded[:count]
    ]  # fmt: skip
    return bundle
