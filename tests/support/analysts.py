"""Analysts in tests: tokens for any project, and the sealed patient ids a project is handed."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from gateway.auth.principal import PROJECT_CLAIM
from gateway.demo.personas import ANALYST_PROJECT
from gateway.mart import MartLayout
from gateway.store import PersonStore
from resolvers.deid import AnalystKeys, pseudonym, seal_person

__all__ = ["ANALYST_PROJECT", "analyst_token", "person_keys", "project_pseudonym", "sealed_id", "wait_for_mart"]


def analyst_token(stack: Any, project: str | None = ANALYST_PROJECT, amr: list[str] | None = None,
                  **claims: Any) -> str:
    """An analyst's token (CAC unless `amr`) for `project` (None: no project claim); `claims` override."""
    extra = ({PROJECT_CLAIM: project} if project is not None else {}) | claims
    token: str = stack.issuer.mint("analyst", f"analyst-{project}", amr=["cac"] if amr is None else amr,
                                   extra_claims=extra)
    return token


async def person_keys(stack: Any, *dod_ids: str) -> dict[str, str]:
    """The identity vault's person key of each DoD ID (enrolled now if the vault lacks it)."""
    conn = await asyncpg.connect(stack.info()["gateway_dsn"])
    try:
        return await PersonStore(conn).enrol(list(dod_ids))
    finally:
        await conn.close()


async def sealed_id(stack: Any, dod_id: str, project: str = ANALYST_PROJECT) -> str:
    """The patient id a cohort answer hands `project` for this DoD ID."""
    key = (await person_keys(stack, dod_id))[dod_id]
    return seal_person(AnalystKeys(stack.config.pseudonym_key).project(project), key)


async def project_pseudonym(stack: Any, dod_id: str, project: str = ANALYST_PROJECT) -> str:
    """What `project` sees in place of this DoD ID."""
    key = (await person_keys(stack, dod_id))[dod_id]
    return pseudonym(AnalystKeys(stack.config.pseudonym_key).project(project), key)


async def wait_for_mart(stack: Any, *, within: float = 60.0) -> str:
    """The id of the demo mart's first snapshot, once the background export has built it."""
    layout = MartLayout(stack.mart_dir)
    loop = asyncio.get_running_loop()
    until = loop.time() + within
    while (current := layout.current()) is None:
        if loop.time() > until:
            raise TimeoutError("the demo's mart was not built in time")
        await asyncio.sleep(0.1)
    return current
