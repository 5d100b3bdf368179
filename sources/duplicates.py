"""What makes two lab results of different sources one result (docs/duplicates.md): the identity key.

A lab result's identity is what both sides really carry: the LOINC code, the effective time to the
minute (UTC), the value with its unit. The accession number travels beside it and counts only
when both sides carry one (Millennium's lab Observations carry none: their identifiers are
clinical-event ids of the tenant, `https://fhir.cerner.com/ceuuid`). The patient is not in the
key: records are only ever compared within one person's linked records.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Sequence

__all__ = ["LAB_KEY_PREFIX", "LabIdentity", "collapse", "lab_identity", "parse_lab_identity", "same_result"]

LAB_KEY_PREFIX = "lab"
_SEP = "\x1f"  # never in a code, a unit or an accession number


def _minute(when: dt.datetime) -> str:
    utc = (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%MZ")


def _number(value: float) -> str:
    """A value as compared: 92, 92.0 and 92.000 are one; 6 significant digits."""
    if not math.isfinite(value):
        return ""
    return f"{float(f'{value:.6g}'):g}"


def _squash(text: str | None) -> str:
    return "".join((text or "").split()).casefold()


def lab_identity(
    loinc: str | None,
    effective: dt.datetime | None,
    value: float | None,
    unit: str | None,
    text: str | None,
    accession: str | None,
) -> str | None:
    """The identity key of a lab result, or None if it lacks a LOINC code, a time or a value
    (such a result is never merged: nothing both sides carry says it is the other one)."""
    if not loinc or effective is None:
        return None
    if value is not None and _number(value):
        shown = f"q{_SEP}{_number(value)}{_SEP}{_squash(unit)}"
    elif text and text.strip():
        shown = f"s{_SEP}{' '.join(text.split()).casefold()}{_SEP}"
    else:
        return None
    return _SEP.join((LAB_KEY_PREFIX, loinc.strip(), _minute(effective), shown, (accession or "").strip()))


class LabIdentity:
    """A parsed identity key: the content part, and the accession if the record carries one."""

    __slots__ = ("accession", "content")

    def __init__(self, content: str, accession: str | None) -> None:
        self.content = content
        self.accession = accession


def parse_lab_identity(key: str) -> LabIdentity | None:
    """The parts of a key made by `lab_identity`; None for other business ids."""
    if not key.startswith(LAB_KEY_PREFIX + _SEP):
        return None
    content, _, accession = key.rpartition(_SEP)
    return LabIdentity(content, accession or None)


def same_result(a: str, b: str) -> bool:
    """Whether two keys name one result: lab keys by content, the accession a veto where both
    carry one; any other business id by equality."""
    pa, pb = parse_lab_identity(a), parse_lab_identity(b)
    if pa is None or pb is None:
        return pa is None and pb is None and a == b
    if pa.content != pb.content:
        return False
    return pa.accession is None or pb.accession is None or pa.accession == pb.accession


def collapse(items: Sequence[tuple[Hashable, str | None]]) -> list[list[int]]:
    """Which of `items` (each `(source, key)`) are one record: groups of indices, in order.

    Lab keys: one group per content when every source holds at most one record of it and the
    accessions that are carried agree; when one source holds two records of one content, or
    accessions disagree, records without an accession cannot say which one they are and stay
    alone (never merged on ambiguity). Other business ids: equal ids are one record.
    """
    buckets: dict[str, list[int]] = {}
    alone: list[list[int]] = []
    for i, (_, key) in enumerate(items):
        if not key:
            alone.append([i])
            continue
        parsed = parse_lab_identity(key)
        buckets.setdefault(parsed.content if parsed else key, []).append(i)
    out = alone
    for members in buckets.values():
        out.extend(_split(items, members))
    return sorted(out, key=lambda g: g[0])


def _split(items: Sequence[tuple[Hashable, str | None]], members: list[int]) -> list[list[int]]:
    parsed = [parse_lab_identity(items[i][1] or "") for i in members]
    if any(p is None for p in parsed):
        return [members]  # plain business ids: equal is one record
    sources = [items[i][0] for i in members]
    if len(set(sources)) < len(sources):
        return [[i] for i in members]  # one source holds two such results: which is the other's?
    by_accession: dict[str, list[int]] = {}
    bare: list[int] = []
    for i, p in zip(members, parsed, strict=True):
        if p is not None and p.accession:
            by_accession.setdefault(p.accession, []).append(i)
        else:
            bare.append(i)
    if len(by_accession) <= 1:
        return [members]
    return [*by_accession.values(), *([i] for i in bare)]
