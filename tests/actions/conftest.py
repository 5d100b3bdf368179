"""The actions' own demo stack (mutations change its data), and helpers to drive and inspect it."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox.portal import PORTAL_TYPES
from sources.genesis import GENESIS
from tests.actions.proxy import LosingProxy
from tests.support.gql import gql
from tests.support.limits import GENEROUS_LIMITS

if TYPE_CHECKING:
    from gateway.demo.stack import DemoStack

DOD_SYSTEM = "urn:oid:2.16.840.1.113883.3.42.10001.100001.12"

SLOTS = """query Slots($service: CareService!, $from: DateTime!, $to: DateTime!) {
  availableSlots(service: $service, from: $from, to: $to) { id start end service facility { id name } }
}"""
APPOINTMENTS = """query Appts($from: DateTime) { me { appointments(first: 100, from: $from) {
  edges { node { id start end status service description canCancel provenance { source sourceId }
                 facility { name } practitioner { name { text } } } } } } }"""
APPOINTMENT_FIELDS = "appointment { id start end status service description canCancel provenance { sourceId } }"
BOOK = f"""mutation Book($input: BookAppointmentInput!) {{
  bookAppointment(input: $input) {{ {APPOINTMENT_FIELDS} userErrors {{ field code message }} }} }}"""
CANCEL = f"""mutation Cancel($input: CancelAppointmentInput!) {{
  cancelAppointment(input: $input) {{ {APPOINTMENT_FIELDS} userErrors {{ field code message }} }} }}"""
RESCHEDULE = f"""mutation Move($input: RescheduleAppointmentInput!) {{
  rescheduleAppointment(input: $input) {{ {APPOINTMENT_FIELDS} userErrors {{ field code message }} }} }}"""


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def action_stack(pg_admin_dsn: str) -> AsyncIterator[DemoStack]:
    """A demo stack of its own, so bookings here never disturb the read tests' data."""
    from gateway.demo.stack import DemoStack

    stack = DemoStack(
        port=0, database_url=pg_admin_dsn, fresh_databases=True, extra_patients=12, today=dt.date.today(),
        gateway_env=GENEROUS_LIMITS,
    )
    async with stack:
        yield stack


def new_key() -> str:
    return f"test-{uuid.uuid4()}"


@dataclass
class Actions:
    """Drive the action stack as a persona (or any token) and look at the GENESIS sandbox."""

    stack: DemoStack
    session: aiohttp.ClientSession

    def token(self, who: str) -> str:
        """A persona key (P1, C1, A1...) or a DoD ID (a patient token is minted for it)."""
        tokens: dict[str, str] = self.stack.info()["tokens"]
        if who in tokens:
            return tokens[who]
        return str(self.stack.issuer.mint("patient", who, ttl=3600, amr=["dslogon"]))

    async def ask(self, who: str, query: str, variables: Any = None, url: str | None = None) -> dict[str, Any]:
        status, body = await gql(url or self.stack, query, variables, token=self.token(who))
        assert status == 200, body
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def slots(self, who: str, service: str = "PRIMARY_CARE", days: int = 30) -> list[dict[str, Any]]:
        now = dt.datetime.now(dt.UTC)
        window = {"service": service, "from": now.isoformat(), "to": (now + dt.timedelta(days=days)).isoformat()}
        found: list[dict[str, Any]] = (await self.ask(who, SLOTS, window))["availableSlots"]
        return found

    async def appointments(self, who: str) -> list[dict[str, Any]]:
        data = await self.ask(who, APPOINTMENTS, {"from": dt.datetime.now(dt.UTC).isoformat()})
        return [e["node"] for e in data["me"]["appointments"]["edges"]]

    async def book(self, who: str, slot_id: str, key: str | None = None, url: str | None = None,
                   reason: str | None = None) -> dict[str, Any]:
        key = key if key is not None else new_key()
        variables = {"input": {"slotId": slot_id, "idempotencyKey": key, "reason": reason}}
        payload: dict[str, Any] = (await self.ask(who, BOOK, variables, url))["bookAppointment"]
        return payload

    async def cancel(self, who: str, appointment_id: str, key: str | None = None) -> dict[str, Any]:
        key = key if key is not None else new_key()
        variables = {"input": {"appointmentId": appointment_id, "idempotencyKey": key}}
        payload: dict[str, Any] = (await self.ask(who, CANCEL, variables))["cancelAppointment"]
        return payload

    async def reschedule(self, who: str, appointment_id: str, slot_id: str, key: str | None = None) -> dict[str, Any]:
        key = key if key is not None else new_key()
        variables = {"input": {"appointmentId": appointment_id, "newSlotId": slot_id, "idempotencyKey": key}}
        payload: dict[str, Any] = (await self.ask(who, RESCHEDULE, variables))["rescheduleAppointment"]
        return payload

    # -- the GENESIS sandbox ----------------------------------------------------------------------

    def resources(self, resource_type: str) -> list[dict[str, Any]]:
        """What GENESIS holds of a type: messages, renewal requests and questionnaires are its portal's."""
        store = self.stack.portal.store if resource_type in PORTAL_TYPES else self.stack.genesis.store
        found: list[dict[str, Any]] = store.all(resource_type)
        return found

    def slot(self, source_id: str) -> dict[str, Any]:
        found = self.stack.genesis.store.get("Slot", source_id)
        assert found is not None
        return dict(found)

    def genesis_patients(self, prefix: str = "2") -> list[str]:
        """DoD IDs of GENESIS patients (the extra synthetic ones by default), sorted."""
        out = set()
        for patient in self.resources("Patient"):
            for ident in patient.get("identifier") or ():
                if ident.get("system") == DOD_SYSTEM and str(ident.get("value", "")).startswith(prefix):
                    out.add(str(ident["value"]))
        return sorted(out)

    async def stats(self) -> dict[str, Any]:
        async with self.session.get(f"{self.stack.info()['admin']['genesis']}/stats") as resp:
            body: dict[str, Any] = await resp.json()
            return body

    async def recorded(self, since: int = 0) -> list[dict[str, Any]]:
        """The requests GENESIS answered after recorder entry `since` (its request recorder)."""
        url = f"{self.stack.info()['admin']['genesis']}/requests"
        async with self.session.get(url, params={"since": str(since)}) as resp:
            body: dict[str, Any] = await resp.json()
            return list(body["requests"])

    async def quiet_stats(self) -> dict[str, Any]:
        """GENESIS's counts once no request is still arriving (an earlier test's slow call may be)."""
        last = await self.stats()
        for _ in range(30):
            await asyncio.sleep(0.2)
            now = await self.stats()
            if now["requests"] == last["requests"]:
                return now
            last = now
        return last

    async def faults(self, **fault: Any) -> None:
        async with self.session.put(f"{self.stack.info()['admin']['genesis']}/faults", json=fault) as resp:
            assert resp.status < 300, await resp.text()

    async def clear_faults(self) -> None:
        async with self.session.delete(f"{self.stack.info()['admin']['genesis']}/faults") as resp:
            assert resp.status < 300


@pytest_asyncio.fixture(loop_scope="session")
async def actions(action_stack: DemoStack) -> AsyncIterator[Actions]:
    """An `Actions` helper; injected GENESIS faults are cleared after each test."""
    async with aiohttp.ClientSession() as session:
        helper = Actions(action_stack, session)
        try:
            yield helper
        finally:
            await helper.clear_faults()


@pytest_asyncio.fixture(loop_scope="session")
async def losing_gateway(actions: Actions) -> AsyncIterator[tuple[str, LosingProxy]]:
    """A second gateway worker (2 s deadline) that reaches GENESIS through a LosingProxy."""
    from gateway.app import create_app
    from tests.support.servers import serve

    config = actions.stack.config
    configured = config.source(GENESIS)
    assert configured is not None
    fhir = configured.config.fhir
    proxy = LosingProxy(fhir.base_url.removesuffix("/fhir"), stall_seconds=2.5)
    await proxy.start()
    moved = dataclasses.replace(fhir, base_url=f"{proxy.url}/fhir")
    portal = configured.config.portal
    assert portal is not None
    portal = dataclasses.replace(portal, url=f"{proxy.url}/portal/v1")
    genesis = dataclasses.replace(configured, config=dataclasses.replace(configured.config, fhir=moved, portal=portal))
    sources = tuple(genesis if c.name == GENESIS else c for c in config.sources)
    app = create_app(dataclasses.replace(config, sources=sources, request_timeout=2.0, source_timeout=2.0))
    try:
        async with serve(app) as url:
            yield f"{url}/graphql", proxy
    finally:
        await proxy.stop()


_taken: set[str] = set()
_counter = itertools.count()


@pytest.fixture
def claim() -> Iterator[Any]:
    """claim(slots) -> the first slot no earlier test in this session claimed (tests stay apart)."""

    def pick(slots: list[dict[str, Any]], n: int = 1) -> list[dict[str, Any]]:
        fresh = [s for s in slots if s["id"] not in _taken][:n]
        assert len(fresh) == n, "not enough free slots left for this test"
        _taken.update(s["id"] for s in fresh)
        return fresh

    yield pick


def source_id(opaque: str) -> str:
    """The sandbox's own id inside an opaque GraphQL id (`Type:SOURCE:id`, base64url)."""
    import base64

    return base64.urlsafe_b64decode(opaque + "=" * (-len(opaque) % 4)).decode().split(":", 2)[2]
