"""Sequential upstream waves of the portal home: the renewal requests (the GENESIS portal) are read
in the same wave as the prescriptions, not after them."""

from __future__ import annotations

from typing import Any

import aiohttp

from tests.operations.test_operations import run
from tests.support.recorder import forget_requests, recorded_requests

LATENCY_MS = 150


async def _faults(session: aiohttp.ClientSession, admin: str, latency_ms: int) -> None:
    async with session.put(f"{admin}/faults", json={"latency_ms": latency_ms}) as resp:  # the portal's too
        assert resp.status < 300


async def test_renewal_requests_are_read_beside_the_prescriptions(demo_stack: Any) -> None:
    admin = demo_stack.info()["admin"]["genesis"]
    async with aiohttp.ClientSession() as session:
        await run(demo_stack, "PortalHome", "P1")  # warm: tokens, links
        await forget_requests(session, admin)
        await _faults(session, admin, LATENCY_MS)
        try:
            data = await run(demo_stack, "PortalHome", "P1")
        finally:
            await _faults(session, admin, 0)
        recorded = await recorded_requests(session, admin)
    assert data["me"]["prescriptions"]["edges"], data  # P1 has prescriptions, so renewals were asked
    answered = {r["path"]: r["at"] for r in recorded}
    prescriptions, renewals = answered["/fhir/MedicationRequest"], answered["/portal/v1/renewals"]
    # one wave: answered together; a wave later would be a whole injected latency apart
    assert abs(renewals - prescriptions) < LATENCY_MS / 2000, (prescriptions, renewals)
    assert sum(r["path"] == "/portal/v1/renewals" for r in recorded) == 1, recorded
