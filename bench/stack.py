"""The demo's upstreams for a load run: PostgreSQL with the TOL archive, the two FHIR sandboxes in
processes of their own, the sign-in issuer, and the environment the demo hands the gateway."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from gateway.demo.environment import gateway_environment
from gateway.demo.personas import mint_persona_tokens
from gateway.demo.provision import provision, release
from gateway.demo.servers import postgres_server
from gateway.demo.upstreams import Upstream
from sandbox.data import DEFAULT_SEED, DemoData, generate
from sandbox.fhir import make_client_keypair
from sandbox.issuer import Issuer
from sandbox.portal import PORTAL_PREFIX

from .processes import Child

__all__ = ["PEER_CLIENT_ID", "BenchStack", "Sandbox"]

ROOT = Path(__file__).resolve().parents[1]
PEER_CLIENT_ID = "bench-peer-mesh"
_TOKEN_TTL = 6 * 3600


@dataclass
class Sandbox:
    """A FHIR sandbox process and where it answers (what the gateway's `Upstream.env` reads)."""

    name: str
    child: Child
    base_url: str
    token_url: str
    admin_url: str


@dataclass(frozen=True)
class PeerClient:
    """The peer's own SMART client on GENESIS (an ES384 key of its own)."""

    client_id: str
    private_pem: str = field(repr=False)
    kid: str


class BenchStack:
    """``async with BenchStack(...) as stack``: everything but the gateway, which runs per phase."""

    def __init__(self, *, patients: int, workdir: Path, database_url: str | None,
                 seed: int = DEFAULT_SEED, today: dt.date | None = None) -> None:
        self.patients = patients
        self.seed = seed
        self.today = today or dt.date.today()
        self.workdir = workdir
        self.database_url = database_url
        self._exit = AsyncExitStack()
        self.data: DemoData
        self.issuer = Issuer()
        self.sandboxes: dict[str, Sandbox] = {}
        self.gateway_env: dict[str, str] = {}
        self.postgres_pid: int | None = None
        self.peer: PeerClient
        self.persona_tokens: dict[str, str] = {}

    async def __aenter__(self) -> Self:
        try:
            await self._start()
        except BaseException:
            await self._exit.aclose()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._exit.aclose()

    async def _start(self) -> None:
        self.data = await asyncio.to_thread(
            generate, seed=self.seed, extra_patients=self.patients, today=self.today
        )
        server = await self._exit.enter_async_context(postgres_server(self.database_url))
        self.postgres_pid = getattr(server, "pid", None)  # embedded: its postmaster; else not ours
        databases = await provision(server, self.data.tol, fresh=bool(self.database_url))
        self._exit.push_async_callback(release, databases)

        keys = {name: make_client_keypair("EC") for name in ("genesis", "community", "peer")}
        peer_pem, peer_jwk, peer_kid = keys["peer"]
        self.peer = PeerClient(PEER_CLIENT_ID, peer_pem, peer_kid)
        upstreams: dict[str, Upstream] = {}
        for name in ("genesis", "community"):
            pem, jwk, kid = keys[name]
            clients = {f"mhs-gateway-{name}": jwk}
            if name == "genesis":
                clients[PEER_CLIENT_ID] = peer_jwk
            sandbox = await self._start_sandbox(name, clients)
            upstreams[name] = Upstream(name=name, server=sandbox, client_id=f"mhs-gateway-{name}",  # type: ignore[arg-type]
                                       private_pem=pem, kid=kid)
        await self.issuer.start("127.0.0.1", 0)
        self._exit.push_async_callback(self.issuer.stop)
        self.gateway_env = gateway_environment(
            host="127.0.0.1", port=0, gateway_dsn=databases.gateway_dsn, tol_dsn=databases.tol_dsn,
            genesis=upstreams["genesis"], community=upstreams["community"], issuer=self.issuer,
            log_level="warning",
        )
        portal = upstreams["genesis"].server.base_url.removesuffix("/fhir") + PORTAL_PREFIX
        self.gateway_env["MHS_GATEWAY_GENESIS_PORTAL_URL"] = portal  # the sandbox serves it (sandbox_process)
        self.persona_tokens = {k: p.token for k, p in mint_persona_tokens(self.issuer, self.data.personas).items()}

    async def _start_sandbox(self, name: str, clients: dict[str, Any]) -> Sandbox:
        clients_file = self.workdir / f"{name}-clients.json"
        clients_file.write_text(json.dumps(clients))
        argv = [sys.executable, "-m", "bench.sandbox_process", name, "--patients", str(self.patients),
                "--seed", str(self.seed), "--today", self.today.isoformat(), "--clients", str(clients_file)]
        child = await Child.spawn(f"{name} sandbox", argv, cwd=ROOT, log=self.workdir / f"{name}.log",
                                  stdout_pipe=True)
        self._exit.push_async_callback(child.stop)
        urls = json.loads(await child.ready_line())
        sandbox = Sandbox(name, child, urls["base_url"], urls["token_url"], urls["admin_url"])
        self.sandboxes[name] = sandbox
        return sandbox

    # -- tokens -----------------------------------------------------------------------------------

    def patient_token(self, dod_id: str) -> str:
        """A patient's sign-in token, minted as the demo mints its personas' (DS Logon)."""
        return self.issuer.mint("patient", dod_id, ttl=_TOKEN_TTL, amr=["dslogon"])

    def clinician_token(self, subject: str, facility: str) -> str:
        return self.issuer.mint("clinician", subject, facility=facility, ttl=_TOKEN_TTL, amr=["cac"])
