"""When two patient records may be one person: the gateway's own rule (docs/linking.md).

An HIE's `$match` grade is necessary, never sufficient. A community record found by demographics
is a GENESIS patient's only if birth date and first given name are the same, a family name (or
a part of a hyphenated one, or a former one the record keeps) is shared, the genders do not
differ (one may be missing), and a contact detail agrees (phone, email or postal code). Whether
another patient could be the same person (`could_be`) is asked more loosely: birth date, first
given name, genders that do not differ.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .records import Demographics

__all__ = ["could_be", "family_parts", "fold", "same_person"]

_PARTS = re.compile(r"[\s\-]+")
_POSTAL = re.compile(r"\b(\d{5})(?:-\d{4})?\s*$")


def fold(text: str | None) -> str:
    """Letters and digits only, accents dropped, case folded: `O'Brien` is `obrien`."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if c.isalnum()).casefold()


def family_parts(families: Iterable[str]) -> frozenset[str]:
    """Every family name whole and each part of a hyphenated or two-word one."""
    out: set[str] = set()
    for family in families:
        out.add(fold(family))
        out.update(fold(part) for part in _PARTS.split(family))
    return frozenset(p for p in out if p)


def _given(who: Demographics) -> str:
    return fold(who.name.given[0]) if who.name.given else ""


def _digits(phone: str | None) -> str:
    return "".join(c for c in phone or "" if c.isdigit())[-10:]


def _postal(address: str | None) -> str:
    found = _POSTAL.search(address or "")
    return found.group(1) if found else ""


def _genders_agree(a: Demographics, b: Demographics) -> bool:
    return a.gender is None or b.gender is None or a.gender == b.gender


def could_be(a: Demographics, b: Demographics) -> bool:
    """Whether `a` and `b` could be one person: same birth date and first given name, genders
    that do not differ. Family names are not asked (they change)."""
    given = _given(a)
    return a.birth_date is not None and a.birth_date == b.birth_date and bool(given) and given == _given(b) and (
        _genders_agree(a, b)
    )


def _contact_agrees(a: Demographics, b: Demographics) -> bool:
    phone = _digits(a.phone)
    if len(phone) >= 7 and phone == _digits(b.phone):
        return True
    if a.email and b.email and a.email.strip().casefold() == b.email.strip().casefold():
        return True
    postal = _postal(a.address)
    return bool(postal) and postal == _postal(b.address)


def same_person(owner: Demographics, record: Demographics, record_families: Iterable[str] = ()) -> bool:
    """Whether `record` (found by demographics) is `owner`'s: `could_be`, a family name in common
    (`record_families`: the other names the record keeps, e.g. a maiden name), and a contact
    detail that agrees."""
    if not could_be(owner, record):
        return False
    theirs = family_parts([record.name.family, *record_families])
    if not family_parts([owner.name.family]) & theirs:
        return False
    return _contact_agrees(owner, record)
