"""The checks a link to a source that matches on demographics must pass (docs/linking.md).

A practice's record carrying a DoD ID is kept only if it could be that DoD ID's person (a digit
written wrong makes it someone else's). A record found by demographics is kept only if no other
patient of the sources that link by identifier could be the same person: on any doubt it is
attached to nobody, never to the wrong patient.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

from sources.agreement import could_be
from sources.records import Demographics, HumanName, Link, LinkedRef

__all__ = ["Find", "refused_by_identifier", "verified", "without_rivals"]

# every patient of the identifier-linking sources with a family name and birth date (any gender)
Find = Callable[[Demographics], Awaitable[list[Demographics]]]


def verified(link: Link, owner: Demographics | None) -> Link:
    """`link` (by DoD ID) without the records whose demographics say they are not `owner`."""
    if owner is None or not link.refs:
        return link
    kept = tuple(r for r in link.refs if r.demographics is None or could_be(owner, r.demographics))
    return _with(link, kept)


def refused_by_identifier(before: Link, after: Link) -> int:
    """How many records carrying this DoD ID were refused."""
    return len(before.refs) - len(after.refs)


async def without_rivals(link: Link, owner: Demographics, find: Find) -> Link:
    """`link` (by demographics) without the records another patient could as well be; raises
    SourceError when a source that could hold such a patient cannot be searched."""
    kept: list[LinkedRef] = []
    for ref in link.refs:
        record = ref.demographics
        if ref.match_confidence is None or record is None:
            kept.append(ref)
            continue
        probes = {record.name.family, owner.name.family} - {""}
        rivals = [
            other
            for family in sorted(probes)
            for other in await find(_probe(record, family))
            if other.dod_id and other.dod_id != link.dod_id and could_be(record, other)
        ]
        if not rivals:
            kept.append(ref)
    return _with(link, tuple(kept))


def _probe(record: Demographics, family: str) -> Demographics:
    return Demographics(record.source, record.source_id, None, HumanName(record.name.given, family),
                        record.birth_date, None)  # fmt: skip


def _with(link: Link, refs: tuple[LinkedRef, ...]) -> Link:
    if refs == link.refs:
        return link
    return dataclasses.replace(link, refs=refs, demographics=refs[0].demographics if refs else None)
