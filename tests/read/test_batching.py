"""All patients of one request cost one upstream round trip per source and kind."""

from __future__ import annotations

from typing import Any

import aiohttp

from tests.support.gql import gql

GLASS = {"X-Break-Glass-Reason": "batching test"}


async def _stats(session: aiohttp.ClientSession, admin: str) -> dict[str, Any]:
    async with session.get(f"{admin}/stats") as resp:
        body: dict[str, Any] = await resp.json()
        return body


async def _reset(session: aiohttp.ClientSession, admin: str) -> None:
    async with session.post(f"{admin}/stats/reset") as resp:
        assert resp.status < 300


def _aliased(dod_ids: list[str]) -> str:
    parts = [
        f'p{i}: patient(dodId: "{d}") {{ labResults(first: 5) {{ edges {{ node {{ display }} }} }} '
        f"appointments(first: 5) {{ edges {{ node {{ start }} }} }} }}"
        for i, d in enumerate(dod_ids)
    ]
    return "{ " + " ".join(parts) + " }"


async def test_ten_patients_cost_what_one_costs(demo_stack: Any) -> None:
    info = demo_stack.info()
    clinician = info["tokens"]["C2"]  # with break-glass: any patient, whatever the facility
    dod_ids = ["1000000001", "1000000002", "1000000003", "1000000004"]
    dod_ids += [str(2000000000 + i) for i in range(6)]
    async with aiohttp.ClientSession() as session:
        counts = []
        for group in (dod_ids[:1], dod_ids):
            for admin in info["admin"].values():
                await _reset(session, admin)
            status, body = await gql(demo_stack, _aliased(group), token=clinician, headers=GLASS)
            assert status == 200 and "errors" not in body, body
            assert len(body["data"]) == len(group)
            counts.append({name: (await _stats(session, url))["requests"] for name, url in info["admin"].items()})
    one, ten = counts
    assert ten["community"] <= one["community"] + len(dod_ids), (one, ten)  # $match is per unlinked patient
    # GENESIS: the same batches, plus a look-alike search per family name (the patient's and the
    # record's, usually one) for each patient matched by demographics (docs/linking.md)
    matched = ten["community"] - one["community"]
    assert one["genesis"] <= ten["genesis"] <= one["genesis"] + 2 * matched, (one, ten)
