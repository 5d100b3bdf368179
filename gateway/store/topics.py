"""The health library: search provider-approved topics by words or by the codes they explain."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import asyncpg

from sources.records import Coding, HealthTopicRecord

from ._db import store_errors

__all__ = ["HealthTopicStore", "prefix_query"]

_WORD = re.compile(r"[^\W_]+")

# Every topic row comes with its codes as three parallel arrays (one round trip, no N+1).
_TOPIC_COLUMNS = """
t.id, t.title, t.summary, t.approved_by, t.reviewed_on,
c.systems, c.codes, c.displays
"""
_CODES_LATERAL = """
CROSS JOIN LATERAL (
    SELECT coalesce(array_agg(k.system ORDER BY k.system, k.code), '{}') AS systems,
           coalesce(array_agg(k.code ORDER BY k.system, k.code), '{}') AS codes,
           coalesce(array_agg(k.display ORDER BY k.system, k.code), '{}') AS displays
    FROM library.health_topic_codes k WHERE k.topic_id = t.id
) c
"""

# $1 a prefix tsquery of the words (or NULL), $2 system (or NULL), $3 code (or NULL). Words are
# matched through the GIN index on `search` only: no pattern scan, whatever the input.
_SEARCH = f"""
SELECT {_TOPIC_COLUMNS},
       CASE WHEN $1::text IS NULL THEN 0 ELSE ts_rank(t.search, to_tsquery('english', $1)) END AS rank
FROM library.health_topics t
{_CODES_LATERAL}
WHERE ($1::text IS NULL OR t.search @@ to_tsquery('english', $1))
  AND ($2::text IS NULL AND $3::text IS NULL OR EXISTS (
        SELECT 1 FROM library.health_topic_codes m
        WHERE m.topic_id = t.id
          AND ($2::text IS NULL OR m.system = $2)
          AND ($3::text IS NULL OR upper(m.code) = upper($3))))
ORDER BY rank DESC, t.title, t.id
"""

_FOR_CODES = f"""
SELECT DISTINCT ON (q.ord, t.title, t.id) q.ord, {_TOPIC_COLUMNS}
FROM unnest($1::int[], $2::text[], $3::text[]) AS q(ord, system, code)
JOIN library.health_topic_codes m ON m.system = q.system AND upper(m.code) = upper(q.code)
JOIN library.health_topics t ON t.id = m.topic_id
{_CODES_LATERAL}
ORDER BY q.ord, t.title, t.id
"""

_GET = f"""
SELECT {_TOPIC_COLUMNS}
FROM library.health_topics t
{_CODES_LATERAL}
WHERE t.id = ANY($1::text[])
"""


MAX_WORDS = 10  # words of a search taken into account


def prefix_query(text: str) -> str | None:
    """A tsquery matching topics holding every word, or a word starting with it ("thyro" finds
    "thyroid"); None when the text holds no word. Only letters and digits reach the query."""
    words = _WORD.findall(text.lower())[:MAX_WORDS]
    return " & ".join(f"{w}:*" for w in words) or None


def _topic(row: asyncpg.Record) -> HealthTopicRecord:
    codes = tuple(
        Coding(system=system, code=code, display=display)
        for system, code, display in zip(row["systems"], row["codes"], row["displays"], strict=True)
    )
    return HealthTopicRecord(
        id=row["id"],
        title=row["title"],
        summary=row["summary"],
        codes=codes,
        approved_by=row["approved_by"],
        reviewed_on=row["reviewed_on"],
    )


class HealthTopicStore:
    """Read-only access to `library.health_topics` and the codes each topic explains."""

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record]) -> None:
        self._pool = pool

    async def search(
        self, text: str | None = None, system: str | None = None, code: str | None = None
    ) -> list[HealthTopicRecord]:
        """Topics matching the words (full text, by word or word prefix) and the code; all if no filter.

        With words, the best matches come first; otherwise topics are ordered by title.
        """
        query = prefix_query(text) if text is not None and text.strip() else None
        if text is not None and text.strip() and query is None:
            return []  # words were asked for, and none was given
        with store_errors("health topic search"):
            rows = await self._pool.fetch(_SEARCH, query, system or None, code or None)
        return [_topic(row) for row in rows]

    async def for_codes(self, codes: Sequence[Sequence[Coding]]) -> list[list[HealthTopicRecord]]:
        """For each list of codings (one record's codes), the topics that explain any of them.

        One query for the whole batch; the answer is aligned with `codes`, each list by title.
        """
        ords, systems, values = _flatten(codes)
        answer: list[list[HealthTopicRecord]] = [[] for _ in codes]
        if not ords:
            return answer
        with store_errors("health topics for codes"):
            rows = await self._pool.fetch(_FOR_CODES, ords, systems, values)
        for row in rows:
            answer[row["ord"]].append(_topic(row))
        return answer

    async def get(self, ids: Sequence[str]) -> list[HealthTopicRecord | None]:
        """Topics by id, aligned with `ids` (None where there is no such topic)."""
        if not ids:
            return []
        with store_errors("health topic get"):
            rows = await self._pool.fetch(_GET, list(dict.fromkeys(ids)))
        found = {row["id"]: _topic(row) for row in rows}
        return [found.get(topic_id) for topic_id in ids]


def _flatten(codes: Iterable[Sequence[Coding]]) -> tuple[list[int], list[str], list[str]]:
    ords: list[int] = []
    systems: list[str] = []
    values: list[str] = []
    for position, codings in enumerate(codes):
        for coding in codings:
            ords.append(position)
            systems.append(coding.system)
            values.append(coding.code)
    return ords, systems, values
