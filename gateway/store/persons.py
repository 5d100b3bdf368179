"""The identity vault in the gateway's database: person keys, their DoD IDs, their source records."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from ._db import Executor, store_errors

__all__ = ["PersonStore", "new_person_key"]

_ENROL = """
INSERT INTO analytics.persons (person_key, dod_id)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT (dod_id) DO NOTHING
"""
_KEYS = "SELECT dod_id, person_key FROM analytics.persons WHERE dod_id = ANY($1::text[])"
_DOD_ID = "SELECT dod_id FROM analytics.persons WHERE person_key = $1"
_LINK = """
INSERT INTO analytics.source_patients (source, patient_id, person_key, matched)
SELECT $1, * FROM unnest($2::text[], $3::text[], $4::boolean[])
ON CONFLICT (source, patient_id) DO UPDATE
SET person_key = excluded.person_key, matched = excluded.matched, linked_at = now()
"""
_LINKS = "SELECT patient_id, person_key FROM analytics.source_patients WHERE source = $1"


def new_person_key() -> str:
    """A person key: 128 random bits, nothing derived from the person."""
    return secrets.token_hex(16)


class PersonStore:
    """Reads for the resolvers (`PersonVault`) and the export job's writes."""

    def __init__(self, db: Executor) -> None:
        self._db = db

    async def dod_id_of(self, person_key: str) -> str | None:
        with store_errors("vault lookup"):
            found = await self._db.fetchval(_DOD_ID, person_key)
        return None if found is None else str(found).strip()

    async def enrol(self, dod_ids: Sequence[str]) -> dict[str, str]:
        """Each DoD ID's person key, made now for those the vault has not met."""
        wanted = sorted(set(dod_ids))
        if not wanted:
            return {}
        with store_errors("vault enrol"):
            known = await self._keys(wanted)
            new = [d for d in wanted if d not in known]
            if new:
                await self._db.execute(_ENROL, [new_person_key() for _ in new], new)
                known = await self._keys(wanted)  # a concurrent job may have won a DoD ID
        return known

    async def _keys(self, dod_ids: Sequence[str]) -> dict[str, str]:
        rows = await self._db.fetch(_KEYS, list(dod_ids))
        return {str(r["dod_id"]).strip(): str(r["person_key"]) for r in rows}

    async def link(self, source: str, links: Mapping[str, tuple[str, bool]]) -> None:
        """Record that `source`'s patient `id` is person `key` (`matched`: by demographics)."""
        if not links:
            return
        ids = sorted(links)
        with store_errors("vault link"):
            await self._db.execute(
                _LINK, source, ids, [links[i][0] for i in ids], [links[i][1] for i in ids]
            )

    async def links(self, source: str) -> dict[str, str]:
        """Every `source` patient id the vault links, with its person key."""
        with store_errors("vault links"):
            rows = await self._db.fetch(_LINKS, source)
        return {str(r["patient_id"]): str(r["person_key"]) for r in rows}
